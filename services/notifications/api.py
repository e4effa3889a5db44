"""Notifications JSON API: campaigns and their message counts (bearer SERVICE_TOKEN)."""
from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import func, select

from services.common.auth import require_service_token
from services.common.db import current_database

from .models import STATUSES, Campaign, Message

api = Blueprint("notifications_api", __name__, url_prefix="/api")
require_service_token(api)
MESSAGE_LIMIT = 200


def _counts(session, campaign_ids: list[int]) -> dict[int, dict[str, int]]:
    counts = {cid: dict.fromkeys(STATUSES, 0) for cid in campaign_ids}
    rows = session.execute(select(Message.campaign_id, Message.status, func.count()).where(
        Message.campaign_id.in_(campaign_ids)).group_by(Message.campaign_id, Message.status))
    for campaign_id, status, count in rows:
        counts[campaign_id][status] = count
    return counts


def _campaign_json(campaign: Campaign, counts: dict[str, int]) -> dict:
    return {"key": campaign.key, "name": campaign.name, "channel": campaign.channel, "total": campaign.total,
            "created_at": campaign.created_at.isoformat(), "counts": counts}


def _iso(value):
    return value.isoformat() if value else None


@api.get("/campaigns")
def list_campaigns():
    session = current_database().session
    campaigns = session.scalars(select(Campaign).order_by(Campaign.created_at.desc(), Campaign.id.desc())).all()
    counts = _counts(session, [c.id for c in campaigns]) if campaigns else {}
    return jsonify({"campaigns": [_campaign_json(c, counts[c.id]) for c in campaigns]})


@api.get("/campaigns/<key>")
def show_campaign(key: str):
    session = current_database().session
    campaign = session.scalar(select(Campaign).where(Campaign.key == key))
    if campaign is None:
        return jsonify({"error": f"Kampanye {key} tidak ditemukan"}), 404
    body = _campaign_json(campaign, _counts(session, [campaign.id])[campaign.id])
    messages = session.scalars(select(Message).where(Message.campaign_id == campaign.id)
                               .order_by(Message.id).limit(MESSAGE_LIMIT))
    body["messages"] = [{"recipient_key": m.recipient_key, "phone": m.phone, "status": m.status, "error": m.error,
                         "sent_at": _iso(m.sent_at)} for m in messages]
    return jsonify(body)
