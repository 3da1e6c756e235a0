"""People shown in the photos: their consent, its withdrawal, and forgetting them.

The audit rows name the photo, never the person: a person forgotten must not live on in the
History.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from contributors.queueing import after_commit

from ..errors import InvalidInput, NotAllowed, TransitionNotAllowed
from ..models import FORGOTTEN_NAME, EventKind, PersonShown, Status, StoryImage
from ..permissions import can_forget_people, can_record_consent, can_withdraw_consent
from ..signals import consent_withdrawn
from ..workflow import UNDER_REVIEW
from .common import locked, record, sync
from .common import now as current_time
from .notices import notify
from .workflow import move

_NOT_ALLOWED = _("You are not allowed to change the consent records of this story.")


def _check_person(name: str, contact: str, consent_wording: str) -> tuple[str, str, str]:
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    consent_wording = (consent_wording or "").strip()
    contact = (contact or "").strip()
    if not name:
        errors["name"] = [_("Give the name of the person shown.")]
    elif len(name) > 200:
        errors["name"] = [_("A name has at most %(max)d characters.") % {"max": 200}]
    if len(contact) > 300:
        errors["contact"] = [_("Contact details have at most %(max)d characters.") % {"max": 300}]
    if not consent_wording:
        errors["consent_wording"] = [_("Record the wording the person agreed to.")]
    if errors:
        raise InvalidInput(errors)
    return name, contact, consent_wording


def person_add(*, image: StoryImage, user: Any, name: str, contact: str, consent_wording: str) -> PersonShown:
    """Record that a person shown agreed, in the words they agreed to, now, by `user`.

    Authors may do this while the team reviews the story too; consent is often gathered late.
    """
    if not can_record_consent(user, image.story):
        raise NotAllowed(_NOT_ALLOWED)
    name, contact, consent_wording = _check_person(name, contact, consent_wording)
    with transaction.atomic():
        current = locked(image.story)
        if not can_record_consent(user, current):
            raise NotAllowed(_NOT_ALLOWED)
        position = (
            StoryImage.objects.filter(pk=image.pk, story=current).values_list("position", flat=True).first()
        )
        if position is None:
            raise InvalidInput({"images": [_("This photo has been removed meanwhile.")]})
        person = PersonShown.objects.create(
            image=image,
            name=name,
            contact=contact,
            consent_given=True,
            consent_wording=consent_wording,
            consent_recorded_by=user,
            consent_recorded_at=current_time(),
        )
        # Someone recognisable is in the photo after all.
        StoryImage.objects.filter(pk=image.pk).update(no_identifiable_person=False)
        record(current, user, EventKind.PERSON_ADDED, number=position + 1)
    image.no_identifiable_person = False
    image.__dict__.pop("consent_complete", None)
    return person


def person_remove(*, person: PersonShown, user: Any) -> None:
    """Remove a person recorded by mistake (while consent may be recorded)."""
    with transaction.atomic():
        current = locked(person.image.story)
        if not can_record_consent(user, current):
            raise NotAllowed(_NOT_ALLOWED)
        fresh = PersonShown.objects.select_related("image").filter(pk=person.pk, image__story=current).first()
        if fresh is None:
            return
        record(current, user, EventKind.PERSON_REMOVED, number=fresh.image.position + 1)
        fresh.delete()


def consent_withdraw(*, person: PersonShown, user: Any) -> PersonShown:
    """Record that a person shown no longer agrees.

    A story under review goes back to its authors (changes requested); an approved one keeps
    its state, and `consent_withdrawn` lets the scheduling app pull or flag its post and tell
    the team about it. The authors, and for a story not approved yet whoever reviews it (the team,
    if nobody has taken it yet), are told here what must happen to the photo.
    """
    story = person.image.story
    if not can_withdraw_consent(user, story):
        raise NotAllowed(_NOT_ALLOWED)
    with transaction.atomic():
        current = locked(story)
        if not can_withdraw_consent(user, current):
            raise NotAllowed(_NOT_ALLOWED)
        withdrawn = PersonShown.objects.filter(pk=person.pk, consent_withdrawn_at__isnull=True).update(
            consent_withdrawn_at=current_time()
        )
        if withdrawn != 1:
            raise TransitionNotAllowed(_("This person's consent has been withdrawn already."))
        number = person.image.position + 1
        notice = "consent_withdrawn"
        if current.status in UNDER_REVIEW:
            # The authors must replace the photo or confirm nobody can be recognised.
            move(
                current,
                user,
                kind=EventKind.CONSENT_WITHDRAWN,
                to_state=Status.CHANGES_REQUESTED,
                params={"number": number},
            )
            notice = "consent_withdrawn_in_review"
        else:
            record(current, user, EventKind.CONSENT_WITHDRAWN, number=number)
            if current.status == Status.APPROVED:
                notice = "consent_withdrawn_approved"
        # A withdrawn or rejected story will not go out: nothing is left to do about the photo.
        if current.status not in (Status.WITHDRAWN, Status.REJECTED):
            notify(notice, story=current, actor=user, photo_number=number)
        person.refresh_from_db()
        after_commit(_send_consent_withdrawn, person_id=person.pk, user_id=user.pk, photo_number=number)
    sync(story, current)
    return person


def _send_consent_withdrawn(*, person_id: int, user_id: int, photo_number: int) -> None:
    person = PersonShown.objects.select_related("image__story").get(pk=person_id)
    consent_withdrawn.send(
        sender=PersonShown,
        person=person,
        story=person.image.story,
        user=get_user_model().objects.filter(pk=user_id).first(),
        photo_number=photo_number,
    )


def person_forget(*, person: PersonShown, user: Any) -> PersonShown:
    """Erase name and contact at once, keeping only the fact (and wording) of the consent."""
    if not can_forget_people(user):
        raise NotAllowed(_("Only the outreach team can erase a person's name and contact."))
    with transaction.atomic():
        current = locked(person.image.story)
        PersonShown.objects.filter(pk=person.pk).update(
            name=FORGOTTEN_NAME,
            contact="",
            contact_erased_at=Coalesce(F("contact_erased_at"), current_time()),
        )
        record(current, user, EventKind.PERSON_FORGOTTEN, number=person.image.position + 1)
    person.refresh_from_db()
    return person


def erase_expired_contacts(*, now: Any = None) -> int:
    """Erase contact data of people shown in stories published (or, until posts record
    publication, approved) more than PEOPLE_CONTACT_RETENTION_DAYS ago. Returns how many."""
    at = now or current_time()
    cutoff = at - timedelta(days=settings.PEOPLE_CONTACT_RETENTION_DAYS)
    expired = (
        PersonShown.objects.filter(contact_erased_at__isnull=True)
        .annotate(went_out=Coalesce("image__story__published_at", "image__story__approved_at"))
        .filter(went_out__lte=cutoff)
        .filter(Q(image__story__status=Status.APPROVED) | Q(image__story__published_at__isnull=False))
    )
    return PersonShown.objects.filter(pk__in=list(expired.values_list("pk", flat=True))).update(
        contact="", contact_erased_at=at
    )
