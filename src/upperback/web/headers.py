"""Two headers on every answer Django makes: a strict Content-Security-Policy, and
`Cache-Control: no-store`, because pages and API answers carry health data.

Static files never reach this middleware: WhiteNoise, placed before it, answers them itself
(and lets browsers cache them). The policy allows scripts, styles, images and fonts from this
site only: no inline `<script>`, no `style="..."` attribute, no CDN.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",  # data: for the empty favicon and Swagger UI's icons
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# The live coaching page only: the pose model is WebAssembly ('wasm-unsafe-eval' compiles it;
# plain eval stays forbidden), its runtime starts workers from blob: URLs, and a video the
# patient picks on her device plays from a blob: URL. Nothing else is loosened.
COACHING_PAGE_POLICY = (
    CONTENT_SECURITY_POLICY.replace("script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'")
    + "; worker-src 'self' blob:; media-src 'self' blob:"
)

# The coaching page's face detector only, in a frame of its own (media/live_faces.html): the
# runtime of @mediapipe/face_detection (embind) builds its function wrappers with
# `new Function`, so this one document may evaluate strings, and the coaching page keeps its
# policy. The frame holds no patient data and no text from anyone; it takes pictures from its
# parent only (ImageBitmaps by postMessage, never over the network) and answers a number.
# Only this site may frame it.
FACE_FRAME_POLICY = COACHING_PAGE_POLICY.replace(
    "'wasm-unsafe-eval'", "'unsafe-eval' 'wasm-unsafe-eval'"
).replace("frame-ancestors 'none'", "frame-ancestors 'self'")


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        if "no-store" not in response.headers.get("Cache-Control", ""):
            response.headers["Cache-Control"] = "no-store"  # replaces any max-age a view set
        return response
