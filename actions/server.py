"""The action server, answering Rasa only: `python -m actions.server [--host H] [--port P]`.

The actions write citizens' records (feedback, handoffs, unanswered questions) with the
records token, so whoever can call /webhook can write records in a citizen's name with any
text. rasa-sdk's own entry point (`python -m rasa_sdk`) answers anyone who reaches its port
and binds every interface. This one builds the same rasa-sdk app, but:

- every route except GET /health needs the shared secret in the `X-Action-Secret` header
  (compared in constant time), else 401; Rasa sends it (bot/endpoints*.yml);
- with no secret configured (ACTIONS_RASA_SECRET) it refuses to start, rather than run open;
- it listens on 127.0.0.1 unless told otherwise;
- Sanic's own refusals (headers over 8 KB → 413, unknown path → 404) keep their status as a
  short JSON error, where rasa-sdk's catch-all turned them into 500.
"""

import argparse
import hmac
import logging
import sys
from collections.abc import Awaitable, Callable
from functools import partial

from rasa_sdk import utils
from rasa_sdk.endpoint import create_app_for_serve
from rasa_sdk.executor import ActionExecutor
from sanic import Sanic, response
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse
from sanic.worker.loader import AppLoader

from actions.config import get_action_settings

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Action-Secret"  # bot/endpoints*.yml send it as ${ACTION_SERVER_SECRET}
MIN_SECRET_CHARS = 16
OPEN_PATHS = frozenset({"/health"})  # readiness probes (stack, nginx) carry no secret
MAX_HEADER_BYTES = 8192  # Sanic's default, stated here because the 413 below depends on it

RequestMiddleware = Callable[[Request], Awaitable[HTTPResponse | None]]


class MissingSecretError(ValueError):
    """No usable shared secret: the server would otherwise run actions for anyone."""


def check_secret(secret: str) -> str:
    if len(secret) < MIN_SECRET_CHARS:
        raise MissingSecretError(
            f"ACTIONS_RASA_SECRET must be set to at least {MIN_SECRET_CHARS} characters (the value "
            "Rasa sends as ACTION_SERVER_SECRET); `python -m stack` generates one per run."
        )
    return secret


def secret_presented(request: Request, secret: str) -> bool:
    presented = request.headers.get(SECRET_HEADER, "")
    # Header values are decoded with surrogateescape; compare the bytes that came in.
    return hmac.compare_digest(presented.encode("utf-8", "surrogateescape"), secret.encode("utf-8"))


def require_secret(secret: str) -> RequestMiddleware:
    """Request middleware: only a caller holding the secret reaches a route.

    A request that matched no route (unknown path, headers too large) reaches no handler,
    so it is left to the error handler, which answers with its own status (404, 413).
    """
    expected = check_secret(secret)

    async def guard(request: Request) -> HTTPResponse | None:
        if request.route is None or request.path in OPEN_PATHS:
            return None
        if secret_presented(request, expected):
            return None
        return response.json({"error": f"Missing or wrong {SECRET_HEADER} header"}, status=401)

    return guard


async def refusal_as_json(request: Request, exception: SanicException) -> HTTPResponse:
    """Keep the status Sanic chose (413, 404, 405, 400) instead of rasa-sdk's blanket 500."""
    return response.json({"error": str(exception) or "Refused"}, status=exception.status_code)


def build_app(executor: ActionExecutor, secret: str) -> Sanic:
    """rasa-sdk's app with the secret check; module-level so that Sanic's worker can unpickle it."""
    # No browser ever calls the action server: no CORS origins.
    app = create_app_for_serve(executor, cors_origins=None)
    app.config.REQUEST_MAX_HEADER_SIZE = MAX_HEADER_BYTES
    app.register_middleware(require_secret(secret), "request")
    app.exception(SanicException)(refusal_as_json)
    return app


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    settings = get_action_settings()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=settings.host, help="default: ACTIONS_HOST or 127.0.0.1")
    parser.add_argument(
        "--port", type=int, default=settings.port, help="default: ACTIONS_PORT or 5055"
    )
    parser.add_argument("--actions", default="actions", help="package holding the actions")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_arguments(argv)
    utils.configure_colored_logging(None)
    utils.update_sanic_log_level()
    try:
        secret = check_secret(get_action_settings().rasa_secret)
    except MissingSecretError as error:
        print(f"Action server not started: {error}", file=sys.stderr)
        return 2
    executor = ActionExecutor()
    executor.register_package(args.actions)
    loader = AppLoader(factory=partial(build_app, executor, secret))
    app = loader.load()
    app.prepare(host=args.host, port=args.port, workers=utils.number_of_sanic_workers())
    logger.info(
        "Action server on http://%s:%s (callers need %s)", args.host, args.port, SECRET_HEADER
    )
    Sanic.serve(primary=app, app_loader=loader)
    return 0


if __name__ == "__main__":
    # Run under the importable name, so that Sanic's worker process unpickles
    # `actions.server.build_app` rather than a function of `__main__`.
    from actions.server import main as run

    sys.exit(run())
