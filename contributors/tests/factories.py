from __future__ import annotations

from typing import Any

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from contributors.models import Contributor, Publication
from contributors.roles import CONTRIBUTORS, OUTREACH_TEAM, SCIENCE_REVIEWERS

PASSWORD = "a-long-test-password-1"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@desy.de")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def groups(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if not create:
            return
        names = extracted if extracted is not None else [CONTRIBUTORS]
        self.groups.add(*(Group.objects.get_or_create(name=name)[0] for name in names))
        EmailAddress.objects.get_or_create(
            user=self, email=self.email, defaults={"verified": True, "primary": True}
        )
        self.save()


def contributor_user(**kwargs: Any) -> Any:
    return UserFactory(groups=[CONTRIBUTORS], **kwargs)


def outreach_user(**kwargs: Any) -> Any:
    return UserFactory(groups=[CONTRIBUTORS, OUTREACH_TEAM], **kwargs)


def science_user(**kwargs: Any) -> Any:
    return UserFactory(groups=[CONTRIBUTORS, SCIENCE_REVIEWERS], **kwargs)


def admin_user(**kwargs: Any) -> Any:
    return UserFactory(groups=[], is_staff=True, is_superuser=True, **kwargs)


class ContributorFactory(factory.django.DjangoModelFactory):
    """The profile made for a new user, filled in."""

    class Meta:
        model = Contributor
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory)
    display_name = factory.Faker("name")


class PublicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Publication

    title = factory.Faker("sentence", nb_words=8)
    cms_id = factory.Sequence(lambda n: f"CMS-TOP-25-{n:03d}")
    arxiv_id = factory.Sequence(lambda n: f"2511.{n:05d}")
