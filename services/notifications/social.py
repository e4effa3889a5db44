"""Public announcements on the village's Facebook Page and Instagram account (Graph API).

Not per-recipient messages: one post per announcement, so no recipient masking is involved; callers
must never put a full name together with a full address (or any NIK) in a public post.
- Facebook Page: POST /<version>/<page_id>/feed (``message``, optional ``link``), or /<page_id>/photos
  (``url`` of an image, ``caption``) with the Page access token; answer ``{"id": ...}``.
- Instagram: two steps. POST /<version>/<ig_user_id>/media (``image_url``, ``caption``) -> a container id,
  then POST /<version>/<ig_user_id>/media_publish (``creation_id``) -> the media id.
Graph errors come as ``{"error": {"code", "message", ...}}``; throttling codes are temporary.
"""
from __future__ import annotations

import requests

from services.notifications.channels import PermanentChannelError, TemporaryChannelError
from services.notifications.providers import WHATSAPP_TEMPORARY_CODES

# Graph API throttling: 4 (app), 17 (user), 32 (page), 613 (calls within window), plus the WhatsApp set.
GRAPH_TEMPORARY_CODES = WHATSAPP_TEMPORARY_CODES | {17, 32, 613}


class GraphClient:
    def __init__(self, graph_url: str, version: str, token: str, timeout: float = 15) -> None:
        self.base = f"{graph_url.rstrip('/')}/{version}"
        self.token, self.timeout = token, timeout
        self.session = requests.Session()

    def get(self, path: str, fields: str) -> dict:
        """A read (used by "uji koneksi": checks the token and the account without posting anything)."""
        return self._answer(lambda: self.session.get(f"{self.base}/{path}", timeout=self.timeout,
                                                     params={"fields": fields, "access_token": self.token}))

    def post(self, path: str, data: dict) -> dict:
        return self._answer(lambda: self.session.post(f"{self.base}/{path}", timeout=self.timeout,
                                                      data={**data, "access_token": self.token}))

    def _answer(self, call) -> dict:
        try:
            response = call()
        except requests.RequestException as exc:
            raise TemporaryChannelError(f"Graph API tidak dapat dihubungi: {type(exc).__name__}") from exc
        try:
            body = response.json()
        except ValueError as exc:
            raise TemporaryChannelError(f"Jawaban Graph API tidak dapat dibaca (HTTP {response.status_code})") from exc
        if response.status_code == 200 and "error" not in body:
            return body
        error = body.get("error") or {}
        text = f"Graph API menolak (kode {error.get('code')}): {error.get('message')}"
        if response.status_code == 429 or response.status_code >= 500 or error.get("code") in GRAPH_TEMPORARY_CODES:
            raise TemporaryChannelError(text)
        raise PermanentChannelError(text)


class FacebookPage:
    def __init__(self, client: GraphClient, page_id: str) -> None:
        self.client, self.page_id = client, page_id

    def post(self, message: str, link: str | None = None, image_url: str | None = None) -> str:
        if image_url:
            return str(self.client.post(f"{self.page_id}/photos", {"url": image_url, "caption": message})["id"])
        data = {"message": message, **({"link": link} if link else {})}
        return str(self.client.post(f"{self.page_id}/feed", data)["id"])


class InstagramAccount:
    def __init__(self, client: GraphClient, ig_user_id: str) -> None:
        self.client, self.ig_user_id = client, ig_user_id

    def create_container(self, image_url: str, caption: str) -> str:
        """Step one: a media container (not yet visible to anyone)."""
        return str(self.client.post(f"{self.ig_user_id}/media", {"image_url": image_url, "caption": caption})["id"])

    def publish(self, container_id: str) -> str:
        """Step two: the container becomes a post; returns the media id."""
        return str(self.client.post(f"{self.ig_user_id}/media_publish", {"creation_id": container_id})["id"])

    def publish_image(self, image_url: str, caption: str) -> str:
        return self.publish(self.create_container(image_url, caption))
