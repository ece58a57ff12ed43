"""The pieces under the respondent pages: charts, CSV neutralising, form parsing, rate limits,
sessions, plotly's stylesheet."""

from __future__ import annotations

from datetime import timedelta

import plotly.graph_objects as go
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select
from starlette.datastructures import FormData

from app import charts
from app.db_types import utcnow
from app.errors import TooManyRequests
from app.i18n import Localizer
from app.models import RateLimitHit, WebSession
from app.services import rate_limit, web_sessions
from app.web.plotly_bundle import extract_css, plotly_css, plotly_style_guards
from app.web.respond import answer_forms
from app.web.respond.answer_forms import parse_page
from scoring import parse_definition
from tests.helpers import minimal_definition
from tests.web.pages import Page


def test_chart_escapes_every_text_and_draws_bands() -> None:
    figure = charts.radar_figure(
        ["<img src=x onerror=alert(1)>", "Services & more"],
        [charts.Series("<script>me</script>", [50.0, None])],
        charts.band_rings([("Low <1>", 0), ("High", 50)]),
        no_score="n/a <b>",
    )
    text = str(figure)
    assert "<img" not in text
    assert "<script>" not in text
    assert "<b>" not in text
    bands, own = figure["data"][:2], figure["data"][2]
    assert [b["name"] for b in bands] == ["High", "Low &lt;1&gt;"]  # outer ring first
    assert [b["r"][0] for b in bands] == [100.0, 50]
    assert own["name"] == "&lt;script&gt;me&lt;/script&gt;"
    assert own["r"] == [50.0, None, 50.0]  # missing score: a gap, never 0
    assert own["text"][1] == "Services &amp; more: n/a &lt;b&gt;"
    assert own["theta"] == ["1", "2", "1"]  # the axes are the topics' numbers
    ticks = figure["layout"]["polar"]["angularaxis"]["ticktext"]
    assert ticks[0] == "1\xa0&lt;img src=x<br>onerror=alert(1)&gt;"  # wrapped, escaped
    assert "template" not in figure["layout"]


def test_chart_shows_quotes_as_typed() -> None:
    """Plotly decodes &amp; &lt; &gt; but not &quot;: quotes must reach it unescaped."""
    name = 'Verein "Miteinander" & Co\'s <Team>'
    figure = charts.radar_figure(["Topic"], [charts.Series(name, [50.0])])
    own = figure["data"][-1]
    assert own["name"] == 'Verein "Miteinander" &amp; Co\'s &lt;Team&gt;'
    assert "&quot;" not in str(figure)
    assert "&#x27;" not in str(figure)


def test_chart_names_are_not_hover_templates() -> None:
    """ "%{r}" in a name is text: plotly fills templates, so names reach it as trace meta."""
    figure = charts.radar_figure(["Topic"], [charts.Series("Team %{r} 100%", [50.0])])
    own = figure["data"][-1]
    assert own["hovertemplate"] == "%{text}<extra>%{meta}</extra>"
    assert own["meta"] == "Team %{r} 100%"


@pytest.mark.parametrize(
    ("number", "title", "label"),
    [
        (1, "Education", "1\xa0Education"),
        (7, "Quartiere und öffentlicher Raum", "7\xa0Quartiere und<br>öffentlicher Raum"),
        (
            9,
            "Antidiskriminierung und Gleichbehandlung",
            "9\xa0Antidiskriminierung<br>und Gleichbehandlung",
        ),
        (
            12,
            "A title far too long for any chart, written by an author who likes words",
            "12\xa0A title far too<br>long for any chart,<br>written by an …",
        ),
    ],
)
def test_axis_labels_are_numbered_and_at_most_three_short_lines(
    number: int, title: str, label: str
) -> None:
    assert charts.axis_label(number, title) == label
    assert all(len(line) <= 21 for line in label.split("<br>"))


def test_right_to_left_chart_runs_counter_clockwise() -> None:
    ltr = charts.radar_figure(["A", "B"], [charts.Series("Me", [1.0, 2.0])])
    rtl = charts.radar_figure(["A", "B"], [charts.Series("Me", [1.0, 2.0])], direction="rtl")
    assert ltr["layout"]["polar"]["angularaxis"]["direction"] == "clockwise"
    assert rtl["layout"]["polar"]["angularaxis"]["direction"] == "counterclockwise"
    assert rtl["layout"]["polar"]["angularaxis"]["rotation"] == 90  # topic 1 stays on top


def test_chart_key_lists_series_then_levels_in_the_figures_colours() -> None:
    series = [charts.Series('"Quoted" <me>', [1.0]), charts.Series("Group", [2.0])]
    bands = charts.band_rings([("Low", 0), ("High", 50)])
    figure = charts.radar_figure(["A"], series, bands)
    key = charts.chart_key(series, bands)
    assert [entry.label for entry in key] == ['"Quoted" <me>', "Group", "Low", "High"]
    assert [entry.ring for entry in key] == [False, False, True, True]
    lines = [trace["line"]["color"] for trace in figure["data"][2:]]
    fills = [trace["fillcolor"] for trace in reversed(figure["data"][:2])]
    assert [entry.colour for entry in key] == lines + fills
    assert [entry.dashes for entry in key[:2]] == ["", "6 3"]


def test_chart_is_a_valid_plotly_figure() -> None:
    """The figure is built as plain JSON for speed; plotly's own validation checks it here."""
    figure = charts.radar_figure(
        ["A", "B", "C"],
        [charts.Series("Me", [10.0, None, 90.0]), charts.Series("Group", [20.0, 30.0, 40.0])],
        charts.band_rings([("Low", 0), ("Mid", 40), ("High", 70)]),
        description="Profile",
    )
    validated = go.Figure(figure).to_plotly_json()  # raises ValueError on any unknown property
    assert [trace["type"] for trace in validated["data"]] == ["scatterpolar"] * 5
    assert list(validated["layout"]["polar"]["radialaxis"]["range"]) == [0, 100]


def test_band_rings_reach_the_next_band() -> None:
    rings = charts.band_rings([("b", 40), ("a", 0), ("c", 70)])
    assert [(r.label, r.low, r.high) for r in rings] == [
        ("a", 0, 40),
        ("b", 40, 70),
        ("c", 70, 100.0),
    ]


def test_parse_page_types() -> None:
    definition = parse_definition(minimal_definition())
    form = FormData(
        [
            ("leadership.mandate", "3"),
            ("leadership.has_budget", "yes"),
            ("leadership.budget_size", "abc"),
            ("shown", "leadership.mandate"),
            ("comment", "  note "),
        ]
    )
    answers, comment = parse_page(definition, "leadership", form, "en")
    assert answers == {
        "leadership.mandate": 3,
        "leadership.has_budget": "yes",
        "leadership.budget_size": "abc",  # left as posted, so validation names it
    }
    assert comment == "  note "
    cleared, none = parse_page(
        definition, "leadership", FormData([("shown", "leadership.mandate")]), "en"
    )
    assert cleared == {"leadership.mandate": None}
    assert none is None
    na, _ = parse_page(definition, "services", FormData([("services.training", "na")]), "en")
    assert na == {"services.training": "na"}


def test_rate_limit_counts_per_bucket_and_window(session: Session) -> None:
    limit = rate_limit.Limit(2, timedelta(minutes=10))
    rate_limit.check(session, "link:a", limit)
    rate_limit.record(session, "link:a", limit)
    rate_limit.record(session, "link:a", limit)
    with pytest.raises(TooManyRequests) as caught:
        rate_limit.check(session, "link:a", limit)
    assert 0 < caught.value.retry_after <= 600
    rate_limit.check(session, "link:b", limit)  # another client is not affected
    later = utcnow() + timedelta(minutes=11)
    rate_limit.check(session, "link:a", limit, now=later)  # a new window
    rate_limit.record(session, "link:c", limit, now=utcnow() + timedelta(days=2))
    assert {h.bucket for h in session.exec(select(RateLimitHit)).all()} == {"link:c"}
    session.commit()


def test_sessions_time_out_and_are_purged(session: Session) -> None:
    policy = web_sessions.SessionPolicy(idle=timedelta(hours=1), absolute=timedelta(hours=5))
    row, token = web_sessions.start_session(session, policy, data={"language": "de"})
    session.commit()
    assert row.token_hash != token
    assert web_sessions.find_session(session, token, policy) is not None
    assert web_sessions.find_session(session, "other", policy) is None
    assert web_sessions.find_session(session, None, policy) is None
    later = utcnow() + timedelta(hours=2)
    assert web_sessions.find_session(session, token, policy, now=later) is None  # idle
    row.last_seen_at = utcnow() + timedelta(hours=5)
    assert web_sessions.find_session(session, token, policy, now=later + timedelta(hours=4)) is None
    assert web_sessions.csrf_matches(row, row.csrf_token)
    assert not web_sessions.csrf_matches(row, "")
    assert not web_sessions.csrf_matches(row, None)
    session.commit()
    assert web_sessions.purge_expired(session, policy, now=utcnow() + timedelta(hours=6)) == 0
    session.commit()  # not a respondent session: left alone


def test_plotly_styles_are_served_as_a_file(client: TestClient) -> None:
    css = plotly_css()
    assert ".js-plotly-plot .plotly .main-svg{" in css
    assert plotly_style_guards()
    response = client.get("/static/plotly.css")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")
    assert extract_css('x={"X,X div":\'a:"b";\',Y:"c:d;"};') == (
        '.js-plotly-plot .plotly,.js-plotly-plot .plotly div{a:"b";}\n.plotly-notifier{c:d;}\n'
    )


def test_new_personal_link_on_request(client: TestClient, started: Page) -> None:
    review = Page.get(client, "/respond/review")
    response = client.post("/respond/resume-link", data={"csrf_token": review.csrf})
    assert response.status_code == 200
    assert "/resume/" in response.text
    assert "The previous one no longer works" in response.text
    assert client.post("/respond/resume-link", data={"csrf_token": "x"}).status_code == 403


def test_web_session_rows_hold_no_plaintext_token(client: TestClient, started: Page) -> None:
    cookie = client.cookies.get("radar_session")
    assert cookie
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        rows = session.exec(select(WebSession)).all()
    assert all(cookie not in row.model_dump_json() for row in rows)


def test_kept_option_lists_follow_language_and_answer() -> None:
    """Option lists are kept per item, language and answer: never another language's labels
    or another answer's ticks."""
    definition = parse_definition(minimal_definition())
    item = next(i for i in definition.items if i.type.value == "scale")
    english = Localizer.for_language("en", "en")
    german = Localizer.for_language("de", "en")
    first = answer_forms._options(definition, item, 1, english)
    assert answer_forms._options(definition, item, 1, english) is first
    assert [o.checked for o in first].count(True) == 1
    labels_en = [o.label for o in first]
    labels_de = [o.label for o in answer_forms._options(definition, item, 1, german)]
    assert labels_de != labels_en
    other = answer_forms._options(definition, item, 2, english)
    assert [o.checked for o in other] != [o.checked for o in first]
    assert not any(o.checked for o in answer_forms._options(definition, item, None, english))
    same_texts = parse_definition(minimal_definition())  # another definition object
    again = answer_forms._options(same_texts, same_texts.item(item.id), 1, english)
    assert again is not first
    assert again == first
