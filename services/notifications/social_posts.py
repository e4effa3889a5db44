"""``notifications.post_social``: one announcement on the Facebook Page and/or Instagram, at most once per
(post_key, target).

Same rules as campaign messages (delivery.py):
- one ``social_post`` row per (post_key, target) under a unique key; a task stored twice inserts nothing;
- a run claims a target's row with ``UPDATE ... SET status='posting' WHERE status='queued'``; only the
  claimer calls the Graph API;
- temporary Graph errors (throttling codes, 5xx, unreachable) put the row back to 'queued' and the task
  retries with exponential backoff, up to ``max_attempts``; permanent errors fail it with the reason;
- a row left 'posting' by a dead run is never posted blindly again: the Graph API has no idempotency
  key, so it becomes 'unknown' for staff to check on the page. A fresh claim of another run (a duplicate
  delivered at the same time) is left alone and looked at again after the lease.
Instagram publishes in two steps; the container id is saved before publishing so a retry after a failed
publish reuses it instead of creating a second container.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, select, update
from sqlalchemy.orm import Session

from services.common.db import utcnow
from services.notifications.channels import PermanentChannelError, TemporaryChannelError
from services.notifications.delivery import _insert
from services.notifications.models import SocialPost
from services.notifications.social import FacebookPage, GraphClient, InstagramAccount

TARGETS = ("facebook", "instagram")
INTERRUPTED_POST = ("Pengunggahan terputus karena pekerja berhenti; status tidak pasti, tidak diunggah ulang "
                    "agar tidak tampil dua kali (periksa halaman secara manual)")
NEEDS_IMAGE = "Instagram hanya menerima unggahan dengan gambar (image_url)"


@dataclass
class PostOutcome:
    posted: int = 0
    failed: int = 0
    retry: int = 0
    unknown: int = 0
    pending_elsewhere: int = 0
    already_done: int = 0


def social_accounts(config: dict) -> dict:
    """Target name -> FacebookPage / InstagramAccount from the configuration, or the reason it is not ready."""
    token = config.get("FACEBOOK_PAGE_TOKEN")
    client = GraphClient(config.get("FACEBOOK_GRAPH_URL") or "https://graph.facebook.com",
                         config.get("FACEBOOK_API_VERSION") or "v21.0", token or "") if token else None
    accounts: dict = {}
    page_id, ig_id = config.get("FACEBOOK_PAGE_ID"), config.get("INSTAGRAM_USER_ID")
    accounts["facebook"] = (FacebookPage(client, page_id) if client and page_id else
                            "Facebook belum dikonfigurasi (FACEBOOK_PAGE_ID, FACEBOOK_PAGE_TOKEN)")
    accounts["instagram"] = (InstagramAccount(client, ig_id) if client and ig_id else
                             "Instagram belum dikonfigurasi (INSTAGRAM_USER_ID, FACEBOOK_PAGE_TOKEN)")
    return accounts


def check_account(account) -> dict:
    """"Uji koneksi": read the account (no post); raises the channel errors with the Graph reason."""
    if isinstance(account, FacebookPage):
        body = account.client.get(account.page_id, "id,name")
        return {"id": str(body.get("id")), "name": body.get("name") or ""}
    body = account.client.get(account.ig_user_id, "id,username")
    return {"id": str(body.get("id")), "name": body.get("username") or ""}


def store_post(session: Session, payload: dict) -> None:
    for target in payload["targets"]:
        session.execute(_insert(session, SocialPost).values(
            post_key=payload["post_key"], target=target, text=payload["text"], link=payload.get("link"),
            image_url=payload.get("image_url"), requested_by=payload.get("requested_by"), status="queued",
            attempts=0, created_at=utcnow()).on_conflict_do_nothing(index_elements=["post_key", "target"]))


def _row(post_key: str, target: str):
    return and_(SocialPost.post_key == post_key, SocialPost.target == target)


def _claim(db, post_key: str, target: str, token: str, stale_seconds: int) -> tuple[SocialPost | None, str]:
    """(the claimed row, or None with why: 'unknown', 'elsewhere' or 'done')."""
    with db.transaction() as session:
        cutoff = utcnow() - timedelta(seconds=stale_seconds)
        dead = session.execute(update(SocialPost).where(
            _row(post_key, target), SocialPost.status == "posting", SocialPost.claimed_at < cutoff).values(
            status="unknown", error=INTERRUPTED_POST)).rowcount
        claimed = session.execute(update(SocialPost).where(_row(post_key, target), SocialPost.status == "queued")
                                  .values(status="posting", attempts=SocialPost.attempts + 1, claimed_by=token,
                                          claimed_at=utcnow()).returning(SocialPost.id)).scalar()
        if claimed is not None:
            return session.get(SocialPost, claimed), ""
        if dead:
            return None, "unknown"
        status = session.scalar(select(SocialPost.status).where(_row(post_key, target)))
        return None, "elsewhere" if status == "posting" else "done"


def _finish(db, post_id: int, token: str, **values) -> None:
    with db.transaction() as session:
        session.execute(update(SocialPost).where(SocialPost.id == post_id, SocialPost.status == "posting",
                                                 SocialPost.claimed_by == token).values(**values))


def _publish(db, row: SocialPost, account, token: str) -> str:
    if isinstance(account, FacebookPage):
        return account.post(row.text, link=row.link, image_url=row.image_url)
    if not row.image_url:
        raise PermanentChannelError(NEEDS_IMAGE)
    container = row.container_id
    if not container:
        caption = f"{row.text}\n\n{row.link}" if row.link else row.text  # links are not clickable there
        container = account.create_container(row.image_url, caption)
        _finish(db, row.id, token, container_id=container, claimed_at=utcnow())
    return account.publish(container)


def post_targets(db, payload: dict, accounts: dict, token: str, *, stale_seconds: int = 30,
                 max_attempts: int = 5) -> PostOutcome:
    outcome = PostOutcome()
    for target in payload["targets"]:
        row, why = _claim(db, payload["post_key"], target, token, stale_seconds)
        if row is None:
            if why == "unknown":
                outcome.unknown += 1
            elif why == "elsewhere":
                outcome.pending_elsewhere += 1
            else:
                outcome.already_done += 1
            continue
        account = accounts.get(target)
        try:
            if isinstance(account, str) or account is None:
                raise PermanentChannelError(account or f"Tujuan tidak dikenal: {target}")
            provider_id = _publish(db, row, account, token)
        except TemporaryChannelError as exc:
            again = row.attempts < max_attempts
            _finish(db, row.id, token, status="queued" if again else "failed", error=str(exc)[:1000])
            outcome.retry += again
            outcome.failed += not again
        except PermanentChannelError as exc:
            _finish(db, row.id, token, status="failed", error=str(exc)[:1000])
            outcome.failed += 1
        else:
            _finish(db, row.id, token, status="posted", provider_post_id=provider_id, error=None,
                    posted_at=utcnow())
            outcome.posted += 1
    return outcome


def recent_posts(session: Session, limit: int = 200) -> list[SocialPost]:
    return list(session.scalars(select(SocialPost).order_by(SocialPost.created_at.desc(), SocialPost.id.desc())
                                .limit(limit)))
