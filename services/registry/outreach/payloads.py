"""The one builder of ``notifications.send_batch`` payloads: every campaign (admin screens, training
invitations, payment verification questions, satisfaction codes) is sent through here, so each batch
carries the same fields and none exceeds the contract's recipient limit."""
from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime

from services.common import contracts

log = logging.getLogger(__name__)

TASK = "notifications.send_batch"
MAX_RECIPIENTS = contracts.TASKS[TASK]["properties"]["recipients"]["maxItems"]
MAX_NAME = contracts.TASKS[TASK]["properties"]["name"]["maxLength"]


def batches(recipients: Sequence[dict], size: int = MAX_RECIPIENTS) -> Iterator[list[dict]]:
    """Split a list of ``{"recipient_key", "phone", "vars"}`` into batches the contract accepts."""
    size = max(1, min(size, MAX_RECIPIENTS))
    for start in range(0, len(recipients), size):
        yield list(recipients[start:start + size])


def batch_payloads(recipient_batches: Iterable[list[dict]], *, campaign_key: str, name: str, channel: str,
                   template: str, total: int, source: dict | None = None, legally_required: bool = False,
                   fallback_sms: bool = False, send_at: datetime | None = None) -> Iterator[dict]:
    """One payload per batch, numbered from 0; ``total`` is the whole campaign's recipient count."""
    for batch_no, recipients in enumerate(recipient_batches):
        payload = {"campaign_key": campaign_key, "name": name[:MAX_NAME], "channel": channel, "template": template,
                   "total": total, "batch_no": batch_no, "recipients": recipients}
        if source is not None:
            payload["source"] = source
        if legally_required:
            payload["legally_required"] = True
        # Only a WhatsApp message has an SMS to fall back to.
        if fallback_sms and channel == "whatsapp":
            payload["fallback"] = "sms"
        if send_at is not None:
            payload["send_at"] = send_at.isoformat()
        yield payload


def send_batches(celery_app, recipient_batches: Iterable[list[dict]], *, session=None,
                 send_options: dict | None = None, **campaign) -> tuple[int, int]:
    """Send every batch (``campaign`` as for ``batch_payloads``); returns (recipients, batches) sent.

    With ``session`` each payload is first kept in the outbox (outreach/outbox.py), in the caller's
    transaction, so the registry beat sends again a batch the broker lost (or refused: a send while Redis
    is away is only logged, and counted as sent); the caller commits.
    The campaign key and each recipient key make a second send of the same campaign reach nobody twice."""
    from services.registry.outreach.outbox import keep

    sent = count = 0
    for payload in batch_payloads(recipient_batches, **campaign):
        if session is not None:
            payload["outbox"] = True
            keep(session, payload)
        try:
            contracts.send(celery_app, TASK, payload, **(send_options or {}))
        except contracts.ContractError:
            raise
        except Exception as exc:  # the broker away (kombu's OperationalError, a refused connection)
            if session is None:
                raise
            # Kept in the outbox: the registry beat sends it once the broker is back.
            log.warning("kampanye %s batch %s belum terkirim ke antrean (%s); dikirim ulang oleh watchdog",
                        payload["campaign_key"], payload["batch_no"], exc)
        sent += len(payload["recipients"])
        count += 1
    return sent, count
