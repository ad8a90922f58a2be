"""The one date field of every form: what it accepts, how it renders, and the hint of what it understood."""

from datetime import date

import pytest
from django import forms
from django.urls import reverse

from tsunagu.core.forms import JapaneseDateField


class OneDate(forms.Form):
    on = JapaneseDateField(label="日付")


@pytest.mark.parametrize(
    "typed",
    [
        "2024-04-05",
        "2024/4/5",
        "R6.4.5",
        "令和6年4月5日",
        "Ｒ６．４．５",
        "２０２４／４／５",
        " 2024 / 4 / 5 ",
        "20240405",
    ],
)
def test_every_spelling_is_understood_as_the_same_day(typed):
    form = OneDate({"on": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["on"] == date(2024, 4, 5)


@pytest.mark.parametrize(
    "typed, message",
    [
        ("R3.2.30", "「R3.2.30」は日付として正しくありません（2月30日は存在しません）"),
        ("H31.5.1", "平成31年5月1日は存在しません（平成は31年4月30日まで）"),
        ("きのう", "日付の形式が読み取れません（例: 2021/4/5、R3.4.5、令和3年4月5日）"),
    ],
)
def test_an_impossible_date_says_why(typed, message):
    form = OneDate({"on": typed})
    assert not form.is_valid()
    assert form.errors["on"] == [message]


def test_the_widget_is_a_text_box_with_a_calendar_and_the_understood_date():
    html = str(OneDate({"on": "R6.4.5"})["on"])
    assert 'type="text"' in html and 'name="on"' in html and 'value="R6.4.5"' in html
    assert 'inputmode="text"' in html and 'class="date-text"' in html
    assert f'hx-get="{reverse("date_understood")}?field=on"' in html
    assert '<input type="date" class="date-picker" data-date-for="id_on"' in html
    assert "2024年4月5日（令和6年4月5日）と読み取りました" in html
    html = str(OneDate(initial={"on": date(2024, 4, 5)})["on"])
    assert 'value="2024-04-05"' in html and 'data-date-for="id_on" value="2024-04-05"' in html


def test_the_hint_answers_the_date_understood(client):
    url = reverse("date_understood")
    assert client.get(url, {"value": "R6.4.5"}).content.decode() == "2024年4月5日（令和6年4月5日）と読み取りました"
    assert client.get(url, {"field": "on", "on": "平成元年5月1日"}).content.decode() == (
        "1989年5月1日（平成元年5月1日）と読み取りました"
    )
    assert client.get(url, {"value": "0645-12-02"}).content.decode() == "645年12月2日と読み取りました"
    assert client.get(url, {"value": ""}).content.decode() == ""


def test_the_hint_escapes_what_was_typed(client):
    response = client.get(reverse("date_understood"), {"value": "<script>R3.2.30"})
    assert response.status_code == 200
    assert "<script>" not in response.content.decode()
    assert response.content.decode().startswith('<span class="error">')
