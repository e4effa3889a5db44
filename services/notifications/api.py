"""Notifications JSON API (bearer SERVICE_TOKEN): campaigns, preview, opt-outs, channels, test message, social."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from sqlalchemy import func, select

from services.common.auth import require_service_token
from services.common.db import current_database
from services.notifications.models import STATUSES, Campaign, Message

api = Blueprint("notifications_api", __name__, url_prefix="/api")
require_service_token(api)
MESSAGE_LIMIT = 200


def _counts(session, campaigns: list[Campaign]) -> dict[int, dict]:
    """Per campaign: its own channel's messages by status, plus ``missing`` (recipients of the total not
    stored yet: batches still on their way), so the counts always add up to the total; a fallback
    channel's copies are counted apart."""
    counts = {c.id: dict.fromkeys(STATUSES, 0) for c in campaigns}
    fallback = {c.id: dict.fromkeys(STATUSES, 0) for c in campaigns}
    channel_of = {c.id: c.channel for c in campaigns}
    rows = session.execute(select(Message.campaign_id, Message.channel, Message.status, func.count()).where(
        Message.campaign_id.in_(list(counts))).group_by(Message.campaign_id, Message.channel, Message.status))
    for campaign_id, channel, status, count in rows:
        target = counts if channel == channel_of[campaign_id] else fallback
        target[campaign_id][status] = target[campaign_id].get(status, 0) + count
    result = {}
    for campaign in campaigns:
        stored = sum(counts[campaign.id].values())
        result[campaign.id] = {"counts": {**counts[campaign.id], "missing": max(0, campaign.total - stored)},
                               "total": max(campaign.total, stored),
                               "fallback_counts": fallback[campaign.id] if campaign.fallback else None}
    return result


def _campaign_json(campaign: Campaign, counts: dict) -> dict:
    body = {"key": campaign.key, "name": campaign.name, "channel": campaign.channel, "total": counts["total"],
            "created_at": campaign.created_at.isoformat(), "counts": counts["counts"]}
    if counts["fallback_counts"] is not None:
        body.update(fallback=campaign.fallback, fallback_counts=counts["fallback_counts"])
    return body


def _not_an_object():
    return jsonify({"error": "Badan permintaan harus objek JSON"}), 400


def _iso(value):
    return value.isoformat() if value else None


@api.get("/campaigns")
def list_campaigns():
    session = current_database().session
    campaigns = session.scalars(select(Campaign).order_by(Campaign.created_at.desc(), Campaign.id.desc())).all()
    counts = _counts(session, campaigns) if campaigns else {}
    return jsonify({"campaigns": [_campaign_json(c, counts[c.id]) for c in campaigns]})


@api.get("/campaigns/<key>")
def show_campaign(key: str):
    session = current_database().session
    campaign = session.scalar(select(Campaign).where(Campaign.key == key))
    if campaign is None:
        return jsonify({"error": f"Kampanye {key} tidak ditemukan"}), 404
    body = _campaign_json(campaign, _counts(session, [campaign])[campaign.id])
    messages = session.scalars(select(Message).where(Message.campaign_id == campaign.id)
                               .order_by(Message.id).limit(MESSAGE_LIMIT))
    body["messages"] = [{"recipient_key": m.recipient_key, "phone": m.phone, "status": m.status, "error": m.error,
                         "sent_at": _iso(m.sent_at), "channel": m.channel, "attempts": m.attempts}
                        for m in messages]
    return jsonify(body)


@api.post("/preview")
def preview():
    """Check a template against the audience's variables and render samples with their SMS cost."""
    from services.notifications.policy import sms_segments
    from services.notifications.rendering import TemplateRenderError, compile_template, render, validate_template

    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return _not_an_object()
    template_source = str(data.get("template") or "")
    allowed, samples_in = data.get("allowed") or [], data.get("samples") or []
    if not isinstance(allowed, list) or not isinstance(samples_in, list) or not all(
            isinstance(item, dict) for item in samples_in):
        return jsonify({"error": "allowed harus daftar nama variabel dan samples daftar objek"}), 400
    problems = validate_template(template_source, {str(name) for name in allowed})
    samples = []
    if not problems:
        template = compile_template(template_source)
        for variables in samples_in[:5]:
            try:
                body = render(template, variables or {})
            except TemplateRenderError as exc:
                problems.append(str(exc))
                break
            encoding, segments = sms_segments(body)
            samples.append({"body": body, "encoding": encoding, "segments": segments})
    return jsonify({"problems": problems, "samples": samples})


@api.get("/opt-outs")
def list_opt_outs():
    from services.notifications.inbound import opt_outs

    rows = opt_outs(current_database().session)
    return jsonify({"opt_outs": [{"address": o.address, "keyword": o.keyword, "source": o.source,
                                  "created_at": _iso(o.created_at)} for o in rows]})


@api.post("/opt-outs")
def add_opt_out():
    """Staff record a resident's wish (said in person) to receive no more messages."""
    from services.notifications.delivery import _insert
    from services.notifications.models import OptOut
    from services.notifications.rendering import normalise_phone

    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return _not_an_object()
    phone = normalise_phone(data.get("address"))
    if phone is None:
        return jsonify({"error": f"Nomor HP tidak sah: {data.get('address')}"}), 400
    with current_database().transaction() as session:
        session.execute(_insert(session, OptOut).values(
            address=phone, keyword="PETUGAS", source=str(data.get("by") or "petugas")[:20]).on_conflict_do_nothing(
            index_elements=["address"]))
    return jsonify({"address": phone})


@api.get("/channels")
def list_channels():
    """Which channel each name resolves to under the current configuration (no secrets)."""
    from services.notifications.channel_config import CHANNELS, channel_for
    from services.notifications.channels import PermanentChannelError

    result = []
    for name in CHANNELS:
        try:
            result.append({"name": name, "provider": channel_for(name, current_app.config).name, "ready": True})
        except PermanentChannelError as exc:
            result.append({"name": name, "provider": None, "ready": False, "error": str(exc)})
    return jsonify({"channels": result})


@api.post("/test-message")
def test_message():
    """"Kirim pesan uji": one message through a channel now, outside any campaign."""
    from services.notifications.channel_config import channel_for
    from services.notifications.channels import (
        OutgoingMessage,
        PermanentChannelError,
        TemporaryChannelError,
    )
    from services.notifications.rendering import normalise_address

    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return _not_an_object()
    channel_name = str(data.get("channel") or "sms")
    address, missing = normalise_address(channel_name, data.get("to"))
    if address is None:
        return jsonify({"error": f"{missing} atau tidak sah: {data.get('to')}"}), 400
    body = str(data.get("body") or "Uji coba pesan dari sistem bansos.")[:1000]
    try:
        channel = channel_for(channel_name, current_app.config)
        provider_id = channel.send(OutgoingMessage(0, address, body, "uji-coba", f"uji-{address}"))
    except (PermanentChannelError, TemporaryChannelError) as exc:
        return jsonify({"error": str(exc)}), 502
    return jsonify({"provider": channel.name, "provider_message_id": provider_id, "to": address})


@api.get("/social/status")
def social_status():
    """Which social targets are configured (account ids only; never the token)."""
    from services.notifications.social_posts import TARGETS, social_accounts

    accounts = social_accounts(current_app.config)
    config = current_app.config
    ids = {"facebook": config.get("FACEBOOK_PAGE_ID"), "instagram": config.get("INSTAGRAM_USER_ID")}
    return jsonify({"targets": [
        {"name": name, "ready": not isinstance(accounts[name], str), "account": ids[name] or None,
         **({"error": accounts[name]} if isinstance(accounts[name], str) else {})} for name in TARGETS]})


@api.post("/social/check")
def social_check():
    """"Uji koneksi": read the account with the configured token; nothing is posted."""
    from services.notifications.channels import PermanentChannelError, TemporaryChannelError
    from services.notifications.social_posts import TARGETS, check_account, social_accounts

    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return _not_an_object()
    target = data.get("target")
    if target not in TARGETS:
        return jsonify({"error": f"Tujuan tidak dikenal: {str(target)[:40]} (facebook atau instagram)"}), 400
    account = social_accounts(current_app.config)[target]
    if isinstance(account, str):
        return jsonify({"error": account}), 409  # not configured: nothing to reach yet
    try:
        return jsonify({"target": target, **check_account(account)})
    except (PermanentChannelError, TemporaryChannelError) as exc:
        return jsonify({"error": str(exc)}), 502


@api.get("/social/posts")
def social_posts():
    from services.notifications.social_posts import recent_posts

    rows = recent_posts(current_database().session)
    return jsonify({"posts": [{"post_key": p.post_key, "target": p.target, "text": p.text, "link": p.link,
                               "image_url": p.image_url, "status": p.status, "attempts": p.attempts,
                               "provider_post_id": p.provider_post_id, "error": p.error,
                               "requested_by": p.requested_by, "created_at": _iso(p.created_at),
                               "posted_at": _iso(p.posted_at)} for p in rows]})
