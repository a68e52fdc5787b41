"""The language a person picked, used everywhere: pages, emails and the next login.

The language switch stores the choice on the account (emails read it there) and in this
browser's cookie. Another browser or device where the same person is logged in kept its own
cookie and so spoke the old language; from here on the account's language decides every page
of a logged-in person, and the cookie is brought in line."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


def _known(language: str) -> bool:
    return language in {code for code, _name in settings.LANGUAGES}


class AccountLanguageMiddleware:
    """After the authentication middleware: a logged-in person's pages in the account's
    language, whatever the browser's cookie or Accept-Language say."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = getattr(user, "preferred_language", "") if user is not None else ""
        chosen = bool(getattr(user, "is_authenticated", False)) and _known(language)
        if chosen and language != getattr(request, "LANGUAGE_CODE", ""):
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        # The switch itself sets the cookie on its own response; elsewhere keep it in step.
        cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen and cookie != language and settings.LANGUAGE_COOKIE_NAME not in response.cookies:
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
        return response
