from __future__ import annotations

from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, connection, transaction

from instagram.models import InstagramAccount

SECRET = "IGAAsecret-token-for-the-model-tests"


def account(**kwargs: Any) -> InstagramAccount:
    defaults = {"ig_user_id": "17841499999999999", "username": "someone"}
    item = InstagramAccount(**{**defaults, **kwargs})
    item.set_token(SECRET)
    item.save()
    return item


@pytest.mark.django_db
def test_the_token_is_stored_encrypted_and_read_back() -> None:
    item = account()
    with connection.cursor() as cursor:
        cursor.execute("SELECT token_encrypted FROM instagram_instagramaccount WHERE id = %s", [item.pk])
        (raw,) = cursor.fetchone()
    assert SECRET not in raw and raw
    assert InstagramAccount.objects.get(pk=item.pk).get_token() == SECRET


@pytest.mark.django_db
def test_an_old_key_still_decrypts_and_rotation_moves_to_the_new_key(settings: Any) -> None:
    old_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old_key]
    item = account()
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    assert item.get_token() == SECRET
    item.rotate_token_encryption()
    item.save()
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    assert InstagramAccount.objects.get(pk=item.pk).get_token() == SECRET


@pytest.mark.django_db
def test_no_keys_is_a_clear_configuration_error(settings: Any) -> None:
    item = account()
    settings.FIELD_ENCRYPTION_KEYS = []
    with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEY"):
        item.get_token()
    with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEY"):
        item.set_token("x")


@pytest.mark.django_db
def test_a_wrong_key_is_a_clear_configuration_error(settings: Any) -> None:
    item = account()
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(ImproperlyConfigured, match="cannot be decrypted"):
        item.get_token()


@pytest.mark.django_db
def test_only_one_account_can_be_active() -> None:
    account()
    account(ig_user_id="17841400000000002", is_active=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        account(ig_user_id="17841400000000003", is_active=True)


@pytest.mark.django_db
def test_str_and_repr_never_show_the_token() -> None:
    item = account()
    assert SECRET not in str(item) and SECRET not in repr(item)
    assert str(item) == "@someone"
