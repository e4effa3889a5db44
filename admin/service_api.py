"""HTTP client for the notifications and reports APIs, authenticated with the service token."""
from __future__ import annotations

import logging

import requests
from flask import current_app

log = logging.getLogger(__name__)


class ServiceUnavailable(RuntimeError):
    """The service did not answer, or answered with an unexpected error."""


class NotFound(LookupError):
    """The service answered 404."""


class ServiceAPI:
    def __init__(self, base_url: str, token: str, timeout: float = 10) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}

    def _get(self, path: str, params=None, stream: bool = False) -> requests.Response:
        try:
            response = requests.get(
                self.base_url + path, params=params, headers=self.headers, timeout=self.timeout, stream=stream
            )
        except requests.RequestException as exc:
            # The detail goes to the log; the screen gets a short sentence the operator can act on.
            log.warning("GET %s%s gagal: %s", self.base_url, path, exc)
            raise ServiceUnavailable(f"Layanan {self.base_url} tidak dapat dihubungi; coba lagi nanti.") from exc
        if response.status_code == 404:
            response.close()
            raise NotFound(path)
        if response.status_code != 200:
            response.close()
            raise ServiceUnavailable(f"Layanan {self.base_url} menjawab {response.status_code} untuk {path}")
        return response

    def get_json(self, path: str, params=None) -> dict:
        response = self._get(path, params)
        try:
            return response.json()
        except ValueError as exc:
            raise ServiceUnavailable(f"Jawaban {self.base_url}{path} bukan JSON") from exc

    def post_json(self, path: str, body: dict) -> tuple[int, dict]:
        """(status, JSON body) of a POST; 4xx/5xx answers with a JSON error come back for the screen to show."""
        try:
            response = requests.post(self.base_url + path, json=body, headers=self.headers, timeout=self.timeout)
        except requests.RequestException as exc:
            log.warning("POST %s%s gagal: %s", self.base_url, path, exc)
            raise ServiceUnavailable(f"Layanan {self.base_url} tidak dapat dihubungi; coba lagi nanti.") from exc
        try:
            data = response.json()
        except ValueError as exc:
            raise ServiceUnavailable(f"Layanan {self.base_url} menjawab {response.status_code} untuk {path}") from exc
        if response.status_code == 401:
            raise ServiceUnavailable(f"Layanan {self.base_url} menjawab 401 untuk {path}")
        return response.status_code, data

    def stream(self, path: str, params=None) -> requests.Response:
        """A streaming response; the caller must close it."""
        return self._get(path, params, stream=True)


def notifications_api() -> ServiceAPI:
    cfg = current_app.config
    return ServiceAPI(cfg["NOTIFICATIONS_API_URL"], cfg["SERVICE_TOKEN"], cfg["SERVICE_API_TIMEOUT"])


def reports_api() -> ServiceAPI:
    cfg = current_app.config
    return ServiceAPI(cfg["REPORTS_API_URL"], cfg["SERVICE_TOKEN"], cfg["SERVICE_API_TIMEOUT"])
