"""A tiny page model for server-side tests: read hidden fields, post forms like a browser."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from typing import Any

from fastapi.testclient import TestClient

FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S)
ATTR = re.compile(r'([\w-]+)="([^"]*)"')
INPUT = re.compile(r"<input\b([^>]*)>", re.S)


@dataclass
class Page:
    client: TestClient
    url: str
    status: int
    text: str

    @classmethod
    def get(cls, client: TestClient, url: str) -> Page:
        response = client.get(url)
        return cls(client, str(response.url.path), response.status_code, response.text)

    def forms(self) -> list[tuple[dict[str, str], str]]:
        return [(dict(ATTR.findall(attrs)), body) for attrs, body in FORM.findall(self.text)]

    def form(self, action: str | None = None) -> tuple[dict[str, str], str]:
        for attrs, body in self.forms():
            if attrs.get("method") == "post" and (action is None or attrs["action"] == action):
                if action is None and attrs["action"] == "/respond/language":
                    continue
                return attrs, body
        raise AssertionError(f"no form {action} on {self.url}:\n{self.text[:2000]}")

    def hidden(self, action: str | None = None) -> dict[str, str]:
        _attrs, body = self.form(action)
        fields: dict[str, str] = {}
        for attrs in INPUT.findall(body):
            values = dict(ATTR.findall(attrs))
            if values.get("type") == "hidden" and values.get("name") != "shown":
                fields[values["name"]] = unescape(values.get("value", ""))
        return fields

    def submit(
        self, data: dict[str, Any] | None = None, action: str | None = None, **kwargs: Any
    ) -> Page:
        attrs, _body = self.form(action)
        payload = {**self.hidden(action), **(data or {})}
        response = self.client.post(attrs["action"], data=payload, **kwargs)
        return Page(self.client, str(response.url.path), response.status_code, response.text)

    @property
    def csrf(self) -> str:
        return self.hidden()["csrf_token"]

    @property
    def revision(self) -> int:
        return int(self.hidden()["revision"])
