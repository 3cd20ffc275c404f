from datetime import timedelta

from PySide6.QtCharts import QBarSeries, QHorizontalBarSeries, QPieSeries

from netdesk.models import utcnow
from netdesk.services.contacts.records import create_contact
from netdesk.services.history.interactions import log_interaction


def test_empty_state_then_charts(window, qtbot):
    page = window.page("insights")
    page.refresh()
    qtbot.waitUntil(lambda: page.loaded)
    assert page.stack.currentWidget() is page.empty
    ana = create_contact(name="Ana Silva", role="physician")
    create_contact(name="Ben Okafor", role="nurse")
    create_contact(name="Cara Lee", role="nurse")
    log_interaction(ana, channel="email", occurred_at=utcnow() - timedelta(days=1))
    page.refresh()
    qtbot.waitUntil(lambda: page.loaded)
    assert page.stack.currentIndex() == 0
    [roles] = page.chart("roles").series()
    assert isinstance(roles, QHorizontalBarSeries)
    assert [roles.barSets()[0].at(i) for i in range(2)] == [1, 2]  # reversed: largest on top
    [months] = page.chart("months").series()
    assert isinstance(months, QBarSeries) and months.barSets()[0].at(11) == 1
    [reach] = page.chart("reach").series()
    assert isinstance(reach, QPieSeries) and reach.slices()[0].label() == "physician 100%"
    assert page.chart("events").series() == []
    assert "nothing yet" in page.chart("events").title()
    assert "across <b>1</b> disciplines" in page.summary.text()
