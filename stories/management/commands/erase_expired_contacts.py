from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from stories.services import erase_expired_contacts


class Command(BaseCommand):
    help = (
        "Erase the contact data of people shown in photos of stories published more than "
        "PEOPLE_CONTACT_RETENTION_DAYS days ago (the beat schedule runs this daily)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        erased = erase_expired_contacts()
        self.stdout.write(
            f"Erased the contact data of {erased} people shown "
            f"(retention: {settings.PEOPLE_CONTACT_RETENTION_DAYS} days)."
        )
