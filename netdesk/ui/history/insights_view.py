"""The Insights page: who is in the network, how often the user is in touch, reach."""

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QPieSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QStackedLayout, QVBoxLayout, QWidget

from netdesk.services.history.insights import Insights, compute_insights
from netdesk.ui.common.page import Page, empty_state
from netdesk.ui.common.workers import run_task

CHART_NAMES = ("roles", "events", "months", "reach", "completion")


def _chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.legend().setVisible(False)
    return chart


def bar_chart(title: str, rows: list[tuple[str, int]], horizontal: bool = False) -> QChart:
    """Counts per label; horizontal bars read better for long labels (event names)."""
    chart = _chart(title)
    if not rows:
        chart.setTitle(f"{title} — nothing yet")
        return chart
    if horizontal:
        rows = list(reversed(rows))  # largest at the top
    bars = QBarSet("count")
    bars.append([n for _, n in rows])
    series = QHorizontalBarSeries() if horizontal else QBarSeries()
    series.append(bars)
    series.setLabelsVisible(True)
    chart.addSeries(series)
    labels = QBarCategoryAxis()
    labels.append([label[:28] for label, _ in rows])
    values = QValueAxis()
    values.setLabelFormat("%d")
    top = max(n for _, n in rows)
    step = _nice_step(top)
    values.setRange(0, (top // step + 1) * step)
    values.setTickType(QValueAxis.TickType.TicksDynamic)
    values.setTickAnchor(0)
    values.setTickInterval(step)
    category_side = Qt.AlignmentFlag.AlignLeft if horizontal else Qt.AlignmentFlag.AlignBottom
    value_side = Qt.AlignmentFlag.AlignBottom if horizontal else Qt.AlignmentFlag.AlignLeft
    chart.addAxis(labels, category_side)
    chart.addAxis(values, value_side)
    series.attachAxis(labels)
    series.attachAxis(values)
    return chart


def _nice_step(top: int) -> int:
    """A whole-number tick step giving about five ticks (1, 2, 5, 10, 20, 50, ...)."""
    step = 1
    while top / step > 6:
        for factor in (2, 2.5, 2):
            step = int(step * factor)
            if top / step <= 6:
                break
    return step


def pie_chart(title: str, rows: list[tuple[str, float]]) -> QChart:
    chart = _chart(title)
    rows = [(label, value) for label, value in rows if value]
    if not rows:
        chart.setTitle(f"{title} — nothing yet")
        return chart
    series = QPieSeries()
    total = sum(value for _, value in rows)
    for label, value in rows:
        series.append(f"{label} {value / total:.0%}", value)
    series.setPieSize(0.85)
    chart.addSeries(series)
    legend = chart.legend()
    legend.setVisible(True)
    legend.setAlignment(Qt.AlignmentFlag.AlignRight)
    return chart


MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _month_label(month: str) -> str:
    """ "2026-01" -> "Jan" (with the year's last two digits in January)."""
    year, number = month.split("-")
    name = MONTHS[int(number) - 1]
    return f"{name} {year[2:]}" if number == "01" else name


class InsightsPage(Page):
    key = "insights"
    title = "Insights"

    def __init__(self, window) -> None:
        super().__init__(window)
        self._generation = 0
        self.loaded = False
        self.task = None
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        refresh = QPushButton("&Refresh")
        refresh.clicked.connect(self.refresh)
        self.views = {name: QChartView() for name in CHART_NAMES}
        grid_holder = QWidget()
        grid = QGridLayout(grid_holder)
        grid.setContentsMargins(0, 0, 0, 0)
        positions = {
            "roles": (0, 0),
            "reach": (0, 1),
            "completion": (1, 0),
            "events": (1, 1),
            "months": (2, 0, 1, 2),
        }
        for name, view in self.views.items():
            view.setRenderHint(QPainter.RenderHint.Antialiasing)
            view.setMinimumSize(260, 170)
            grid.addWidget(view, *positions[name])
        for row, stretch in enumerate((5, 3, 3)):  # roles need room for every label
            grid.setRowStretch(row, stretch)
        self.empty = empty_state(
            "Insights appear once you have contacts and interactions. Import the vCards "
            "from your last conference (File > Import…) and log a few conversations."
        )
        self.stack = QStackedLayout()
        self.stack.addWidget(grid_holder)
        self.stack.addWidget(self.empty)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(self.stack, 1)
        layout.addWidget(refresh, 0, Qt.AlignmentFlag.AlignRight)

    def refresh(self) -> None:
        """Count in a worker (hundreds of ms on a big base); stale results are dropped."""
        from netdesk.models import database

        if database.obj is None:
            return
        self._generation += 1
        generation = self._generation
        self.loaded = False
        self.summary.setText("Counting…")
        self.task = run_task(
            self,
            "Computing insights",
            compute_insights,
            lambda result: self.show_insights(result, generation),
            show_dialog=False,
        )

    def show_insights(self, data: Insights, generation: int | None = None) -> None:
        if generation is not None and generation != self._generation:
            return
        self.loaded = True
        if not data.roles:
            self.summary.setText("")
            self.stack.setCurrentWidget(self.empty)
            return
        self.stack.setCurrentIndex(0)
        reach, completion = data.reach, data.completion
        rate = f"{completion.rate:.0%}" if completion.rate is not None else "—"
        self.summary.setText(
            f"<b>{sum(n for _, n in data.roles):,}</b> contacts · in touch with "
            f"<b>{reach.contacts:,}</b> people across <b>{reach.disciplines}</b> disciplines "
            f"in the last 12 months · follow-ups that came due and were done: <b>{rate}</b>"
        )
        charts = {
            "roles": bar_chart("Contacts by role", data.roles, horizontal=True),
            "events": bar_chart("People met, by event", data.events, horizontal=True),
            "months": bar_chart(
                "Interactions per month",
                [(_month_label(month), n) for month, n in data.months],
            ),
            "reach": pie_chart(
                "Reach: roles you talked to (12 months)",
                [(role, n) for role, n, _ in reach.roles],
            ),
            "completion": pie_chart(
                f"Follow-up completion: {rate}",
                [
                    ("done", completion.done),
                    ("overdue", completion.open_overdue),
                    ("upcoming", completion.open_later),
                    ("cancelled", completion.cancelled),
                ],
            ),
        }
        for name, chart in charts.items():
            old = self.views[name].chart()
            self.views[name].setChart(chart)
            if old is not None:
                old.deleteLater()

    def chart(self, name: str) -> QChart:
        return self.views[name].chart()
