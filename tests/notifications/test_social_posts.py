"""Facebook Page / Instagram announcements (notifications.post_social) against the local Graph stand-in:
in process on SQLite and PostgreSQL, then with real worker processes and Redis (throttling then success;
the same task delivered twice -> one post per target)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from services.common.contracts import ContractError, send, validate
from services.common.db import utcnow
from services.notifications import schema
from services.notifications.models import SocialPost
from services.notifications.social_posts import NEEDS_IMAGE, post_targets, social_accounts, store_post
from tests.fakes.providers import WHATSAPP_VERSION
from tests.helpers import wait_for
from tests.notifications.workers import WORKER, producer

IMAGE = "https://desakamal.id/laporan/grafik-penyaluran.png"


def _config(graph, **extra) -> dict:
    return {"FACEBOOK_GRAPH_URL": graph.url, "FACEBOOK_API_VERSION": WHATSAPP_VERSION, "FACEBOOK_PAGE_ID": "1122",
            "FACEBOOK_PAGE_TOKEN": "page-token", "INSTAGRAM_USER_ID": "17840", **extra}


def _payload(key="umum-1", targets=("facebook", "instagram"), **extra) -> dict:
    return validate("notifications.post_social", {
        "post_key": key, "text": "Penyaluran BLT Dana Desa tahap 2 selesai: 120 keluarga menerima.",
        "link": "https://desakamal.id/publik", "image_url": IMAGE, "targets": list(targets),
        "requested_by": "operator", **extra})


def _run(app, payload, config, token="run-1", **kwargs):
    db = app.extensions["database"]
    with db.transaction() as session:
        store_post(session, payload)
    return post_targets(db, payload, social_accounts(config), token, **kwargs)


def _rows(app) -> dict[str, SocialPost]:
    with app.extensions["database"].transaction() as session:
        return {(p.post_key, p.target): p for p in session.scalars(select(SocialPost))}


def test_contract_schema():
    with pytest.raises(ContractError, match="twitter"):
        validate("notifications.post_social", {"post_key": "k", "text": "x", "targets": ["twitter"]})
    with pytest.raises(ContractError):
        validate("notifications.post_social", {"post_key": "k", "text": "x", "targets": ["facebook", "facebook"]})


def test_page_photo_and_instagram_two_steps_once(app, graph):
    payload = _payload()
    outcome = _run(app, payload, _config(graph))
    assert (outcome.posted, outcome.failed) == (2, 0)
    paths = [r["path"] for r in graph.requests]
    assert paths == [f"/{WHATSAPP_VERSION}/1122/photos", f"/{WHATSAPP_VERSION}/17840/media",
                     f"/{WHATSAPP_VERSION}/17840/media_publish"]
    assert graph.requests[0]["body"]["caption"] == payload["text"] and graph.requests[0]["body"]["url"] == IMAGE
    assert graph.requests[1]["body"]["caption"].endswith("https://desakamal.id/publik")
    rows = _rows(app)
    assert {r.status for r in rows.values()} == {"posted"}
    assert rows[("umum-1", "instagram")].container_id and rows[("umum-1", "instagram")].provider_post_id
    # The same task again (redelivery): nothing more reaches the Graph API.
    again = _run(app, payload, _config(graph), token="run-2")
    assert (again.posted, again.already_done) == (0, 2) and len(graph.posts()) == 2


def test_text_post_without_image_and_instagram_refusal(app, graph):
    payload = _payload(key="teks", image_url=None)
    outcome = _run(app, payload, _config(graph))
    assert (outcome.posted, outcome.failed) == (1, 1)
    assert graph.requests[0]["path"].endswith("/1122/feed") and graph.requests[0]["body"]["link"]
    assert _rows(app)[("teks", "instagram")].error == NEEDS_IMAGE


def test_not_configured_fails_with_reason(app, graph):
    outcome = _run(app, _payload(key="belum", targets=["facebook"]), {})
    assert outcome.failed == 1 and "Facebook belum dikonfigurasi" in _rows(app)[("belum", "facebook")].error
    assert graph.requests == []


def test_throttled_goes_back_to_queue_then_posts(app, graph):
    graph.fail_next("rate")
    payload = _payload(key="sibuk", targets=["facebook"])
    first = _run(app, payload, _config(graph))
    row = _rows(app)[("sibuk", "facebook")]
    assert first.retry == 1 and row.status == "queued" and "kode 32" in row.error
    second = _run(app, payload, _config(graph), token="run-2")
    assert second.posted == 1 and _rows(app)[("sibuk", "facebook")].attempts == 2 and len(graph.posts()) == 1


def test_interrupted_post_is_never_repeated(app, graph):
    payload = _payload(key="putus", targets=["facebook"])
    with app.extensions["database"].transaction() as session:
        store_post(session, payload)
        session.execute(update(SocialPost).values(status="posting", claimed_by="mati", attempts=1,
                                                  claimed_at=utcnow() - timedelta(seconds=5)))
    # A fresh claim of another run: left alone, looked at again later.
    assert _run(app, payload, _config(graph), token="run-2", stale_seconds=30).pending_elsewhere == 1
    outcome = _run(app, payload, _config(graph), token="run-3", stale_seconds=1)
    assert outcome.unknown == 1 and graph.requests == []
    assert _rows(app)[("putus", "facebook")].status == "unknown"


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.redis
def test_real_workers_throttling_then_success_and_duplicate_task(pg, redis_url, processes, graph, tmp_var):
    url = pg.create("notifsocial")
    schema.upgrade(url)
    env = {"NOTIFICATIONS_DATABASE_URL": url, "CELERY_BROKER_URL": redis_url, "NOTIFICATIONS_RETRY_BASE_SECONDS": "1",
           **{k: v for k, v in _config(graph).items()}}
    processes.celery_worker(WORKER, "notifications", env, name="social-a", concurrency=1)
    processes.celery_worker(WORKER, "notifications", env, name="social-b", concurrency=1)
    app = producer(redis_url)
    graph.fail_next("rate")  # the first Graph call is throttled (code 32): retried with backoff
    throttled = _payload(key="tahap-2")
    send(app, "notifications.post_social", throttled)
    # Another announcement sent twice by the producer and once more under the same task id (redelivery).
    twice = _payload(key="jadwal-posyandu", targets=["facebook"], image_url=None)
    for task_id in ("dup-1", "dup-1", None):
        send(app, "notifications.post_social", twice, **({"task_id": task_id} if task_id else {}))
    from sqlalchemy import create_engine

    engine = create_engine(url)

    def statuses():
        with engine.connect() as conn:
            return dict(((k, t), s) for k, t, s in conn.execute(select(SocialPost.post_key, SocialPost.target,
                                                                          SocialPost.status)))
    try:
        wait_for(lambda: set(statuses().values()) == {"posted"} and len(statuses()) == 3, timeout=60,
                 message=lambda: (statuses(), graph.requests[-3:]))
        with engine.connect() as conn:
            attempts = dict(((k, t), a) for k, t, a in conn.execute(select(SocialPost.post_key, SocialPost.target,
                                                                           SocialPost.attempts)))
    finally:
        engine.dispose()
    posts = graph.posts()
    assert sorted(p["published"] for p in posts) == ["facebook", "facebook", "instagram"]
    assert sum(1 for p in posts if p["body"].get("message", "").startswith(twice["text"])) == 1
    assert max(attempts.values()) == 2  # the throttled one took a second attempt
