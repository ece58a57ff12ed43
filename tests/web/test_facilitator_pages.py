"""Facilitator pages as a user meets them: logging in (one generic message, throttling, a new
session id, local ``next`` only), logging out, and partners typed or imported from CSV."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.main import create_app
from app.models import Organisation, User, WebSession
from app.settings import PROJECT_ROOT, Settings
from app.web.facilitate.access import COOKIE
from tests.web.conftest import log_in
from tests.web.pages import Page

GENERIC = "The e-mail address or the password is not correct."


def test_wrong_password_and_unknown_account_get_the_same_page(
    client: TestClient, facilitator: User
) -> None:
    wrong = log_in(client, "ana@example.org", "not the password")
    unknown = log_in(client, "nobody@example.org", "not the password")
    assert wrong.status == unknown.status == 401
    assert GENERIC in wrong.text
    assert GENERIC in unknown.text
    assert COOKIE not in client.cookies


def test_login_starts_a_new_session_and_logout_ends_it(
    client: TestClient, facilitator: User, engine: Engine
) -> None:
    projects = log_in(client, "ana@example.org")
    assert projects.url == "/projects"
    first = client.cookies[COOKIE]
    log_in(client, "ana@example.org")
    assert client.cookies[COOKIE] != first  # a login never keeps a session id
    with Session(engine) as session:
        assert len(session.exec(select(WebSession)).all()) == 1  # the earlier one ended
    page = Page.get(client, "/projects")
    page.submit({}, "/logout")
    with Session(engine) as session:
        assert session.exec(select(WebSession)).all() == []
    client.cookies.clear()
    again = client.get("/projects", headers={"Cookie": f"{COOKIE}={first}"}, follow_redirects=False)
    assert again.status_code == 303  # the old cookie opens nothing


def test_next_goes_only_to_local_paths(client: TestClient, facilitator: User) -> None:
    assert log_in(client, "ana@example.org", next_="/projects/net").url == "/projects/net"
    client.cookies.clear()
    assert log_in(client, "ana@example.org", next_="//evil.example/x").url == "/projects"


def test_login_cookie_flags(client: TestClient, facilitator: User) -> None:
    login = Page.get(client, "/login")
    answer = client.post(
        "/login",
        data={
            **login.hidden("/login"),
            "email": "ana@example.org",
            "password": "correct horse battery",
        },
        follow_redirects=False,
    )
    cookie = next(h for h in answer.headers.get_list("set-cookie") if h.startswith(COOKIE))
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Path=/" in cookie


def test_failed_logins_are_throttled_per_account_even_for_the_right_password(
    client: TestClient, facilitator: User, settings: object
) -> None:
    for _ in range(10):  # login_attempts_per_account
        failed = log_in(client, "ana@example.org", "wrong password")
        assert failed.status == 401
        assert "There is a problem" in failed.text
        assert "Nothing was saved" not in failed.text  # a login saves nothing
    refused = log_in(client, "ana@example.org")
    assert refused.status == 429
    assert "Logging in is paused for" in refused.text
    assert COOKIE not in client.cookies


def test_login_without_the_form_token_is_refused(client: TestClient, facilitator: User) -> None:
    answer = client.post("/login", data={"email": "ana@example.org", "password": "x" * 12})
    assert answer.status_code == 403


def test_a_partner_name_with_markup_is_escaped(client: TestClient, logged_in: Page) -> None:
    page = Page.get(client, "/projects/net")
    added = page.submit(
        {"name": '<b>Bold</b> & "Co"', "country": "pl", "kind": "city"},
        "/projects/net/organisations",
    )
    assert added.status == 200, added.text
    assert "<b>Bold</b>" not in added.text
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; &#34;Co&#34;" in added.text


def test_names_with_bidi_controls_are_refused_and_names_are_shown_isolated(
    client: TestClient, logged_in: Page, engine: Engine
) -> None:
    page = Page.get(client, "/projects/net")
    refused = page.submit(
        {"name": "evil\u202egpj.exe", "country": "DE"}, page.url + "/organisations"
    )
    assert refused.status == 422
    assert "organisation name: contains the invisible format character U+202E" in refused.text
    assert 'value="evil\u202egpj.exe"' in refused.text  # kept to correct
    assert _names(engine) == []
    added = Page.get(client, "/projects/net").submit(
        {"name": "مدينة Köln", "country": "DE"}, "/projects/net/organisations"
    )
    assert '<td dir="auto">مدينة Köln</td>' in added.text
    assert '<h1 dir="auto">' in added.text


@pytest.mark.parametrize(
    ("country", "message"),
    [("ZZ", "country &#39;ZZ&#39; is not an ISO 3166 country code"), ("Germany", "two-letter")],
)
def test_a_bad_country_keeps_what_was_typed(
    client: TestClient, logged_in: Page, country: str, message: str
) -> None:
    page = Page.get(client, "/projects/net")
    refused = page.submit(
        {"name": "Saxony", "country": country, "population": "4 000 000"},
        "/projects/net/organisations",
    )
    assert refused.status == 422
    assert message in refused.text, refused.text[refused.text.find('role="alert"') :][:400]
    assert 'value="4 000 000"' in refused.text


def _import(client: TestClient, content: bytes) -> Page:
    page = Page.get(client, "/projects/net/import")
    answer = client.post(
        "/projects/net/import",
        data=page.hidden("/projects/net/import"),
        files={"file": ("partners.csv", content, "text/csv")},
    )
    return Page(client, str(answer.url.path), answer.status_code, answer.text)


def _names(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return sorted(session.exec(select(Organisation.name)).all())


def test_csv_import_windows_1252_with_semicolons(
    client: TestClient, logged_in: Page, engine: Engine
) -> None:
    content = (
        "Name;Country;Kind;population;foreign_born_share;area_type\r\n"
        "Württemberg;DE;region;11 100 000;16,5;\r\n"
        "Łódź;PL;city;;;urban\r\n"
    ).encode()
    assert _import(client, content).url == "/projects/net"
    cp1252 = "name,country,kind\r\nAlès,FR,municipality\r\n".encode("cp1252")
    assert _import(client, cp1252).url == "/projects/net"
    bom = "\ufeffname,country,kind\nGraz,AT,city\n".encode()
    done = _import(client, bom)
    assert done.url == "/projects/net"
    assert _names(engine) == ["Alès", "Graz", "Württemberg", "Łódź"]


def test_the_example_partners_file_of_the_readme_imports(
    client: TestClient, logged_in: Page, engine: Engine
) -> None:
    content = (PROJECT_ROOT / "examples" / "partners.csv").read_bytes()
    done = _import(client, content)
    assert done.url == "/projects/net"
    assert "10 partners were imported" in done.text
    assert len(_names(engine)) == 10
    assert "Landkreis Göttingen" in _names(engine)


def test_csv_import_names_every_wrong_row_and_stores_nothing(
    client: TestClient, logged_in: Page, engine: Engine
) -> None:
    content = (
        b"name,country,kind\n"
        b"Saxony,DE,region\n"
        b"Saxony,DE,region\n"
        b"Atlantis,ZZ,region\n"
        b'"Evil\r\nName",DE,region\n'
        b"=HYPERLINK(1),DE,castle\n"
    )
    refused = _import(client, content)
    assert refused.status == 422
    for expected in (
        "line 3: name &#39;Saxony&#39; is already on line 2",
        "line 4: country &#39;ZZ&#39; is not an ISO 3166 country code",
        "line 6: organisation name",
        "line 7: kind &#39;castle&#39; is not one of region, municipality, county, city, ngo",
    ):
        assert expected in refused.text, expected
    assert _names(engine) == []
    missing = _import(client, b"name,country\nSaxony,DE\n")
    assert "line 1: missing column(s) kind" in missing.text
    assert _names(engine) == []


def test_csv_import_names_every_problem_of_a_row(
    client: TestClient, logged_in: Page, engine: Engine
) -> None:
    content = b"name,country,kind,population\nAtlantis,ZZ,castle,many\n,DE,region,-5\n"
    refused = _import(client, content)
    assert refused.status == 422
    for expected in (
        "line 2: country &#39;ZZ&#39; is not an ISO 3166 country code",
        "line 2: kind &#39;castle&#39; is not one of region",
        "line 2: population: &#39;many&#39; is not a whole number",
        "line 3: organisation name: must not be empty",
        # a whole number out of range: the range is named, not "not a whole number"
        "line 3: population: -5 is not allowed here; use a whole number from 0 to 2,147,483,647",
    ):
        assert expected in refused.text, expected
    assert _names(engine) == []


def test_german_pages_show_service_errors_in_german_with_german_numbers(
    client: TestClient, logged_in: Page, engine: Engine
) -> None:
    """Errors that services raise (import, a partner's fields, a limit) read in the page's
    language, with numbers in its format; the API and CLI keep English and plain numbers."""
    client.headers["Accept-Language"] = "de"
    refused = _import(client, b"name,country,kind\nAtlantis,ZZ,castle\n")
    assert refused.status == 422
    assert "Zeile 2: Land &#39;ZZ&#39; ist kein Ländercode nach ISO 3166" in refused.text
    assert "Zeile 2: Art &#39;castle&#39; ist keine von region" in refused.text
    assert "line 2" not in refused.text
    page = Page.get(client, "/projects/net")
    too_long = page.submit({"name": "x" * 4001, "country": "DE"}, "/projects/net/organisations")
    assert too_long.status == 422
    assert "Name der Organisation: 4.001 Zeichen, höchstens 200 erlaubt" in too_long.text
    client.headers["Accept-Language"] = "en"
    english = Page.get(client, "/projects/net").submit(
        {"name": "x" * 4001, "country": "DE"}, "/projects/net/organisations"
    )
    assert "organisation name: 4,001 characters, at most 200 allowed" in english.text
    assert _names(engine) == []


def test_failed_logins_are_throttled_per_client_across_accounts(
    settings: Settings, facilitator: User
) -> None:
    """Guessing many addresses from one client is paused too, and the pause says so; the
    answer never tells which of the addresses exist."""
    app = create_app(settings.model_copy(update={"login_attempts_per_client": 3}))
    try:
        with TestClient(app) as client:
            client.headers["Accept-Language"] = "en"
            for email in ("a@example.org", "ana@example.org", "c@example.org"):
                assert log_in(client, email, "wrong password").status == 401
            paused = log_in(client, "ana@example.org")
            assert paused.status == 429
            assert "Logging in is paused for" in paused.text
            script = client.post(
                "/login", data={"email": "x@example.org"}, headers={"Accept": "application/json"}
            )
            assert script.status_code == 429
            assert int(script.headers["retry-after"]) >= 1
    finally:
        app.state.engine.dispose()
