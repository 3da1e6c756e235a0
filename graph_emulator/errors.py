"""Meta-shaped error answers.

Codes and subcodes follow Meta's "Error Codes" reference for the Instagram Platform
(HTTP 400 for almost everything, `code` plus `error_subcode`). Keys Meta leaves out of an
answer (no subcode, no user title) are left out here too, so clients learn to cope.
"""

from __future__ import annotations

import secrets
from typing import Any


def new_fbtrace_id() -> str:
    return secrets.token_urlsafe(17)[:23]


class GraphError(Exception):
    """An error answer in Meta's shape; raising it anywhere in a handler ends the call."""

    def __init__(
        self,
        message: str,
        *,
        code: int,
        subcode: int | None = None,
        status: int = 400,
        is_transient: bool = False,
        user_title: str | None = None,
        user_msg: str | None = None,
        error_type: str = "OAuthException",
        extra_headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.subcode = subcode
        self.status = status
        self.is_transient = is_transient
        self.user_title = user_title
        self.user_msg = user_msg
        self.error_type = error_type
        self.extra_headers = extra_headers or {}

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"message": self.message, "type": self.error_type, "code": self.code}
        if self.subcode is not None:
            error["error_subcode"] = self.subcode
        error["is_transient"] = self.is_transient
        if self.user_title is not None:
            error["error_user_title"] = self.user_title
        if self.user_msg is not None:
            error["error_user_msg"] = self.user_msg
        error["fbtrace_id"] = new_fbtrace_id()
        return {"error": error}


def publishing_error(subcode: int, **format_args: Any) -> GraphError:
    """The content-publishing refusals from Meta's error table, by subcode."""
    code, title, user_msg, transient = PUBLISHING_ERRORS[subcode]
    text = user_msg.format(**format_args)
    return GraphError(
        text, code=code, subcode=subcode, is_transient=transient, user_title=title, user_msg=text
    )


# subcode: (code, user title, user message, is_transient)
PUBLISHING_ERRORS: dict[int, tuple[int, str, str, bool]] = {
    2207001: (-1, "Instagram server error", "Instagram server error. Try again.", True),
    2207003: (-2, "Timeout", "It takes too long to download the media.", True),
    2207004: (
        36000,
        "Image size too large",
        "The image is too large to download. It should be less than 8 MiB.",
        False,
    ),
    2207005: (
        36001,
        "Unsupported image format",
        "The image format is not supported. Supported formats are: JPEG",
        False,
    ),
    2207006: (24, "Media not found", "The media with id {media_id} cannot be found.", False),
    2207008: (
        24,
        "Temporary error",
        "The media builder with creation id = {media_id} does not exist or has expired.",
        True,
    ),
    2207009: (
        36003,
        "Aspect ratio not supported",
        (
            "The submitted image with aspect ratio ({ratio}) cannot be published. "
            "Please submit an image with a valid aspect ratio."
        ),
        False,
    ),
    2207010: (
        36004,
        "Caption too long",
        "The submitted caption was too long. Captions can have at most 2,200 characters.",
        False,
    ),
    2207020: (
        -2,
        "Media expired",
        "The media you are trying to access has expired. Please try to upload again.",
        False,
    ),
    2207023: (25, "Unknown media type", "The media type {media_type} is unknown.", False),
    2207026: (
        352,
        "Unsupported video format",
        "The video format is not supported. Please check the spec for supported formats.",
        False,
    ),
    2207027: (
        9007,
        "Media not ready for publishing",
        "The media is not ready for publishing, please wait for a moment.",
        False,
    ),
    2207028: (
        100,
        "Carousel validation failed",
        (
            "Your post won't work as a carousel. Carousels need at least 2 photos/videos "
            "and no more than 10 photos/videos."
        ),
        False,
    ),
    2207032: (-1, "Create media failed", "Create media fail, please try to re-create media", True),
    2207040: (100, "Too many tags", "Cannot use more than {limit} {what} per created media.", False),
    2207042: (
        9,
        "Publishing limit reached",
        "You reached maximum number of posts that is allowed to be published by Content Publishing API.",
        False,
    ),
    2207050: (9, "Account restricted", "The app user's Instagram professional account is inactive.", False),
    2207051: (
        4,
        "Action blocked",
        ("We restrict certain activity to protect our community. Tell us if you think we made a mistake."),
        False,
    ),
    2207052: (
        9004,
        "Media download has failed",
        "The media could not be fetched from this uri: {uri}",
        False,
    ),
    2207053: (-1, "Upload error", "unknown upload error", False),
}


def invalid_parameter(message: str, *, subcode: int | None = None) -> GraphError:
    return GraphError(f"(#100) {message}", code=100, subcode=subcode)


def missing_parameter(name: str) -> GraphError:
    return invalid_parameter(f"The parameter {name} is required")


def object_not_found(object_id: str, method: str = "GET") -> GraphError:
    verb = "post" if method == "POST" else "get"
    return GraphError(
        f"Unsupported {verb} request. Object with ID '{object_id}' does not exist, cannot be loaded "
        "due to missing permissions, or does not support this operation. Please read the Graph API "
        "documentation at https://developers.facebook.com/docs/graph-api",
        code=100,
        subcode=33,
        error_type="GraphMethodException",
    )


def unknown_path(path: str) -> GraphError:
    return GraphError(f"Unknown path components: /{path}", code=2500)


def nonexisting_field(field: str, node_type: str) -> GraphError:
    return invalid_parameter(f"Tried accessing nonexisting field ({field}) on node type ({node_type})")


def transient_error(code: int = 2, status: int = 500) -> GraphError:
    message = (
        "An unknown error occurred"
        if code == 1
        else "An unexpected error has occurred. Please retry your request later."
    )
    return GraphError(message, code=code, status=status, is_transient=True)


def token_missing() -> GraphError:
    return GraphError("An access token is required to request this resource.", code=190)


def token_invalid() -> GraphError:
    return GraphError("Invalid OAuth access token - Cannot parse access token", code=190)


def token_expired(expired_at: str) -> GraphError:
    return GraphError(
        f"Error validating access token: Session has expired on {expired_at}.",
        code=190,
        subcode=463,
        user_title="Session expired",
        user_msg="Your session has expired. Please log in again.",
    )


def rate_limited(code: int = 80002) -> GraphError:
    messages = {
        4: "(#4) Application request limit reached",
        17: "(#17) User request limit reached",
        32: "(#32) Page request limit reached",
        613: "(#613) Calls to this api have exceeded the rate limit.",
        80001: "(#80001) There have been too many calls to this Page account. Wait a bit and try again.",
        80002: "(#80002) There have been too many calls to this Instagram account. Wait a bit and try again.",
    }
    message = messages.get(code, f"(#{code}) Rate limit reached")
    if code >= 80000:
        message += (
            " For more info, please refer to "
            "https://developers.facebook.com/docs/graph-api/overview/rate-limiting."
        )
    return GraphError(message, code=code, is_transient=True)
