"""The KPI sources of this app (tsunagu.core.figures), registered from OutreachConfig.ready(): every
figure of the events, materials and supporters sections, so an indicator can be any of them."""

from django.utils.translation import gettext_lazy as _

from tsunagu.core import figures

from . import counting


def _on(count):
    return lambda period, scope: count(scope, period.start, period.end)


def register() -> None:
    events = [
        ("events_held", _("研修・啓発の開催回数"), "回", lambda s: s["held"]),
        ("events_participants", _("研修・啓発の参加者数"), "人", lambda s: s["participants"]),
        ("training_participants", _("研修参加者数"), "人", lambda s: s["by_kind"]["研修"]["participants"]),
        ("training_held", _("研修の開催回数"), "回", lambda s: s["by_kind"]["研修"]["held"]),
        (
            "lecture_participants",
            _("講演会等参加者数"),
            "人",
            lambda s: s["by_kind"]["講演会・交流会"]["participants"] + s["by_kind"]["セミナー"]["participants"],
        ),
        ("family_class_participants", _("家族教室参加者数"), "人", lambda s: s["by_kind"]["家族教室"]["participants"]),
        ("lecturer_dispatches", _("講師派遣回数"), "回", lambda s: s["by_kind"]["講師派遣"]["held"]),
    ]
    figures.register("events", _on(counting.event_figures), events)
    figures.register(
        "materials",
        _on(counting.material_figures),
        [
            ("sns_posts", _("SNS投稿件数"), "件", lambda s: s["by_kind"]["SNS投稿"]["made"]),
            ("posters_made", _("ポスター作成枚数"), "枚", lambda s: s["by_kind"]["ポスター"]["made"]),
            ("leaflets_made", _("リーフレット作成部数"), "部", lambda s: s["by_kind"]["リーフレット"]["made"]),
            (
                "leaflets_distributed",
                _("リーフレット配布部数"),
                "部",
                lambda s: s["by_kind"]["リーフレット"]["distributed"],
            ),
        ],
    )
    figures.register(
        "supporters",
        _on(counting.supporter_figures),
        [
            ("supporters_registered", _("サポーター数（登録）"), "人", lambda s: s["registered"]),
            ("supporter_activities", _("サポーター活動件数"), "件", lambda s: s["activities"]),
        ],
    )
