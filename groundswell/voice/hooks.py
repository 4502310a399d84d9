"""What happens in customer voice, announced to the apps above voice without voice importing
them (the same pattern as `desk.hooks`; listed in docs/architecture.md, "Hooks between apps").

The survey page must stay fast and must never fail because of another app: hooks run after
the answer is committed, and one that raises is logged and skipped, so the customer's submit
succeeds whatever a hook does. A hook should only enqueue work or make one cheap insert.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from groundswell.voice.models import Response

logger = logging.getLogger(__name__)

ResponseHook = Callable[["Response"], object]

_on_recorded: list[ResponseHook] = []


def on_response_recorded(hook: ResponseHook) -> None:
    """Call `hook(response)` after a customer's answer is recorded or changed, once committed
    (registering twice is harmless)."""
    if hook not in _on_recorded:
        _on_recorded.append(hook)


def listening() -> bool:
    """Whether any app listens: with none, the caller need not queue a call after commit."""
    return bool(_on_recorded)


def response_recorded(response: Response) -> None:
    """Tell every registered app about `response`; a hook that fails is logged, never raised."""
    for hook in _on_recorded:
        try:
            hook(response)
        except Exception:
            logger.exception("The response-recorded hook %r failed", hook)
