"""Browsers fetch /favicon.ico on every page: it answers with the school's icon."""

from django.test import Client


def test_favicon_ico_answers_with_an_icon(db):
    response = Client().get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/vnd.microsoft.icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO file's header


def test_pages_name_the_icon(db, client):
    assert 'rel="icon"' in client.get("/").content.decode()
