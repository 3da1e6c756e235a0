"""The institution's OpenID Connect provider (DESY and CERN run Keycloak), as allauth wants it.

Pure data, importable from settings before the apps load; tests point it at a local provider.
"""


def institution_openid_connect(
    *, server_url: str, client_id: str, secret: str, name: str
) -> dict[str, object]:
    return {
        "APPS": [
            {
                "provider_id": "institution",
                "name": name,
                "client_id": client_id,
                "secret": secret,
                "settings": {"server_url": server_url},
            }
        ],
        "OAUTH_PKCE_ENABLED": True,
    }
