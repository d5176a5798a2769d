"""Shapes of /api/workspace/… Nothing here carries a person: worksheet answers have no respondent fields at all."""

from datetime import date
from typing import Literal

from ninja import Field, Schema

Month = Field(..., ge=1, le=12)


class ErrorOut(Schema):
    detail: str


class ActivityOut(Schema):
    id: int
    fiscal_year: int
    step: int
    step_label: str
    title: str
    start_month: int
    end_month: int
    milestone: str
    status: str
    status_label: str
    owner: str
    workshop_id: int | None
    task_inventory_id: int | None
    document_title: str
    document_url: str
    order: int
    version: int

    @staticmethod
    def resolve_step_label(obj) -> str:
        return obj.get_step_display()

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()


class ActivityIn(Schema):
    fiscal_year: int = Field(..., ge=2000, le=2100)
    step: Literal[1, 2, 3, 4]
    title: str = Field(..., min_length=1, max_length=200)
    start_month: int = Month
    end_month: int = Month
    milestone: str = Field("", max_length=100)
    status: Literal["planned", "in_progress", "done"] = "planned"
    owner: str = Field("", max_length=100)
    workshop_id: int | None = Field(None, ge=1, le=2**31 - 1)
    task_inventory_id: int | None = Field(None, ge=1, le=2**31 - 1)
    document_title: str = Field("", max_length=200)
    document_url: str = Field("", max_length=500)
    order: int = Field(100, ge=0, le=32767)


class ActivityUpdate(ActivityIn):
    version: int = Field(..., ge=1, le=2**31 - 1, description="編集を始めたときの版（楽観的ロック）")


class ConflictOut(Schema):
    detail: str
    current: ActivityOut


class InventoryOut(Schema):
    id: int
    agency_id: int
    agency_name: str
    fiscal_year: int
    label: str
    note: str
    version: int

    @staticmethod
    def resolve_agency_name(obj) -> str:
        return obj.agency.name

    @staticmethod
    def resolve_label(obj) -> str:
        return str(obj)


class ColumnOut(Schema):
    id: int
    job_role_id: int
    job_role: str
    heading: str
    caseload: int | None
    share: str

    @staticmethod
    def resolve_job_role(obj) -> str:
        return obj.job_role.name


class RowOut(Schema):
    id: int
    category_no: int
    category: str
    task_no: int
    task: str
    marks: dict[str, str] = Field(..., description="列 id → ◎・×・○（空欄の列は含まれません）")


class InventoryDetailOut(InventoryOut):
    columns: list[ColumnOut]
    rows: list[RowOut]

    @staticmethod
    def resolve_columns(obj) -> list:
        return list(obj.columns.select_related("job_role"))

    @staticmethod
    def resolve_rows(obj) -> list:
        return list(obj.rows.all())


class MarkCountsOut(Schema):
    own_done: int
    own_not_done: int
    anyone: int


class ColumnStatsOut(MarkCountsOut):
    column_id: int
    heading: str
    job_role: str
    support_role: bool
    anyone_share: float
    not_done_row_ids: list[int]
    previous: MarkCountsOut | None


class DelegationOut(Schema):
    row_id: int
    category: str
    task: str
    professionals: list[str]
    candidates: list[str]


class TimeUseOut(Schema):
    label: str
    job_role: str
    hours: dict[str, float]
    total: float


class RoleTimeOut(Schema):
    job_role: str
    workers: int
    mean_hours: dict[str, float]


class AnalysisOut(Schema):
    inventory_id: int
    previous_inventory_id: int | None
    columns: list[ColumnStatsOut]
    delegations: list[DelegationOut]
    time_uses: list[TimeUseOut]
    role_time: list[RoleTimeOut]


class CellIn(Schema):
    mark: Literal["", "◎", "×", "○"]
    was: Literal["", "◎", "×", "○"] = Field(..., description="編集を始めたときのこの欄の印（楽観的ロック）")


class CellConflictOut(Schema):
    detail: str
    current: str


class MeetingRowOut(Schema):
    id: int
    fiscal_year: int
    reported_by_id: int
    form: str
    name: str
    purpose: str
    audience: str
    times_per_year: int
    frequency_label: str
    basis: str
    importance: str
    host_id: int
    host_name: str
    attending_ids: list[int]
    minutes: int
    attendees: int
    version: int

    @staticmethod
    def resolve_host_name(obj) -> str:
        return obj.host.name

    @staticmethod
    def resolve_attending_ids(obj) -> list[int]:
        return [a.pk for a in obj.attending.all()]


class ProposalOut(Schema):
    meeting_ids: list[int]
    meeting_names: list[str]
    form: str
    audience_overlap: float
    purpose_similarity: float
    shared_agencies: list[str]
    shared_people: int
    sessions: int
    hours_saved: float
    reasoning: str


class NodeData(Schema):
    id: str
    label: str
    kind: str
    layer: str


class EdgeData(Schema):
    id: str
    source: str
    target: str
    type: Literal["referral", "meeting"]
    count: int
    acceptance: float | None = None
    answer_days: int | float | None = None  # median calendar days to the first 受理 or 辞退 (cases.queries)
    unanswered: int | None = None  # still waiting for an answer, not in answer_days


class NodeOut(Schema):
    data: NodeData


class EdgeOut(Schema):
    data: EdgeData


class NetworkOut(Schema):
    nodes: list[NodeOut]
    edges: list[EdgeOut]
    layers: dict[str, str]
    pairs: dict[str, int]  # how many pairs of agencies there are by kind (referral, meeting), edges or not


class ObservationOut(Schema):
    id: int
    observed_on: date
    site: str
    heard: str
    event: str
    effect: str
    code_ids: list[int]
    version: int

    @staticmethod
    def resolve_code_ids(obj) -> list[int]:
        return [c.pk for c in obj.codes.all()]


class ObservationIn(Schema):
    observed_on: date
    site: str = Field("", max_length=200)
    heard: str = Field(..., min_length=1, max_length=200)
    event: str = Field(..., min_length=1, max_length=5000)
    effect: str = Field("", max_length=5000)
    code_ids: list[int] = Field([], max_length=50)


class QuoteOut(Schema):
    observation_id: int
    observed_on: date
    heard: str
    event: str
    effect: str


class CodeSummaryOut(Schema):
    id: int
    label: str
    name: str
    description: str
    active: bool
    count: int
    quotes: list[QuoteOut]


class WorkshopOut(Schema):
    id: int
    fiscal_year: int
    series_no: int | None
    title: str
    kind: str
    held_on: date
    method: str
    place: str
    attendance: int | None
    response_count: int


class QuestionSummaryOut(Schema):
    key: str
    label: str
    kind: str
    answers: list[str] = Field(..., description="文章の回答（回答者の氏名・所属は含みません）")
    rows: list[dict[str, str]] = Field(..., description="表形式の回答の行")


class SheetSummaryOut(Schema):
    template_id: int
    name: str
    responses: int
    questions: list[QuestionSummaryOut]


class ThemeOut(Schema):
    id: int
    title: str
    area: str
    terms: list[str]
    quotes: list[str]


class TermOut(Schema):
    term: str
    count: int


class WorkshopSummaryOut(Schema):
    workshop_id: int
    title: str
    sheets: list[SheetSummaryOut]
    frequent_terms: list[TermOut]
    themes: list[ThemeOut]
