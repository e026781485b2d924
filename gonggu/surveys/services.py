"""Drawing a sample, recording answers, and the rates of a survey per village and township."""

from __future__ import annotations

import random
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from gonggu.core.audit import audit_log
from gonggu.core.codes import Level, in_scope_q
from gonggu.core.errors import UserFacingError
from gonggu.regions.models import Region
from gonggu.registry.models import Household

from .models import Answer, SampleEntry, Survey
from .questionnaires import CURRENT, QUESTIONNAIRES, TOPICS

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"   # no 0/O, 1/I: read off paper and typed on a phone
CODE_LENGTH = 8
MAX_PER_VILLAGE = 200


def _code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str) -> str:
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())


def sample_households(region: Region, per_village: int, seed: int) -> dict[str, list[dict]]:
    """Per village under `region`, `per_village` households drawn at random from the registry (all if fewer).
    The same seed over the same registry draws the same households: each village's draw depends only on the
    seed, the village code and the village's households in 户编号 order."""
    by_village: dict[str, list[dict]] = defaultdict(list)
    rows = (Household.objects.filter(in_scope_q("region_code", region.prefix))
            .values("id", "household_no", "head_name", "household_type", "region_code")
            .order_by("region_code", "household_no", "id"))
    for h in rows.iterator(chunk_size=5000):
        by_village[h["region_code"]].append(h)
    drawn = {}
    for code, households in by_village.items():
        rng = random.Random(f"{seed}:{code}")
        picked = rng.sample(households, min(per_village, len(households)))
        drawn[code] = sorted(picked, key=lambda h: h["household_no"])
    return drawn


def survey_draw(*, user, region: Region, title: str, per_village, seed, today=None) -> Survey:
    title = (title or "").strip()
    if not title:
        raise UserFacingError("请填写问卷名称，例如“2025 年巩固成果入户问卷”。")
    try:
        per_village = int(per_village)
        seed = int(seed)
    except (TypeError, ValueError):
        raise UserFacingError("每村抽样户数和随机种子都应为整数。") from None
    if not 1 <= per_village <= MAX_PER_VILLAGE:
        raise UserFacingError(f"每村抽样户数应在 1 到 {MAX_PER_VILLAGE} 之间（填的是 {per_village}）。")
    if not 0 <= seed <= 2_000_000_000:
        raise UserFacingError("随机种子应为 0 到 2000000000 之间的整数。")
    drawn = sample_households(region, per_village, seed)
    if not drawn:
        raise UserFacingError(f"{region.name}的户籍台账中没有农户，无法抽样。")
    with transaction.atomic():
        survey = Survey.objects.create(
            title=title[:100], questionnaire=CURRENT, region_code=region.code, region_prefix=region.prefix,
            region_name=region.name, per_village=per_village, seed=seed, drawn_on=today or timezone.localdate(),
            created_by=user, updated_by=user)
        entries = [SampleEntry(survey=survey, household_id=h["id"], region_code=h["region_code"],
                               household_no=h["household_no"], head_name=h["head_name"],
                               household_type=h["household_type"], code=_code())
                   for code in sorted(drawn) for h in drawn[code]]
        for _ in range(3):
            try:
                with transaction.atomic():
                    SampleEntry.objects.bulk_create(entries, batch_size=2000)
                break
            except IntegrityError:
                # A code already used by another survey (2^40 codes: rare); draw new codes and write again.
                for e in entries:
                    e.code = _code()
        else:
            raise UserFacingError("生成填写码失败，请重试。")
        audit_log(user=user, action="create", object_type="survey", object_id=survey.pk, region_code=region.code,
                  summary=f"问卷抽样：{survey.title}（{region.name}，每村 {per_village} 户，种子 {seed}，共 {len(entries)} 户）")
    return survey


def answers_save(*, entry: SampleEntry, data, channel: str, user=None) -> SampleEntry:
    """Record a complete questionnaire for the entry. A household's code works once; a cadre may correct."""
    questionnaire = QUESTIONNAIRES[entry.survey.questionnaire]
    missing, rows = [], []
    for q in questionnaire.questions:
        label = (data.get(q.key) or "").strip()
        option = q.option(label)
        if option is None:
            missing.append(q.text)
            continue
        rows.append(Answer(entry=entry, question=q.key, topic=q.topic, option=option[0], positive=option[1]))
    if missing:
        raise UserFacingError(f"还有 {len(missing)} 题没有选择：{missing[0]}")
    with transaction.atomic():
        locked = SampleEntry.objects.select_for_update().get(pk=entry.pk)
        if locked.answered_at is not None and channel == SampleEntry.Channel.HOUSEHOLD:
            raise UserFacingError("这个填写码已经用过了，每户只能填写一次。如需更正，请联系村干部。")
        Answer.objects.filter(entry=locked).delete()
        Answer.objects.bulk_create(rows)
        SampleEntry.objects.filter(pk=locked.pk).update(answered_at=timezone.now(), channel=channel,
                                                        answered_by=user if channel == SampleEntry.Channel.CADRE else None)
    entry.refresh_from_db()
    return entry


def entry_by_code(raw: str) -> SampleEntry:
    code = normalise_code(raw)
    entry = SampleEntry.objects.select_related("survey").filter(code=code).first() if len(code) == CODE_LENGTH else None
    if entry is None:
        raise UserFacingError("填写码不正确，请核对问卷样本单上印的 8 位填写码。")
    if entry.answered_at is not None:
        raise UserFacingError("这个填写码已经用过了，每户只能填写一次。如需更正，请联系村干部。")
    return entry


# --- rates ---------------------------------------------------------------------------------------------


def ratio(num, den) -> Decimal | None:
    return (Decimal(num) / Decimal(den)).quantize(Decimal("0.0001"), ROUND_HALF_UP) if den else None


@dataclass
class RateRow:
    code: str
    name: str
    level: str
    sampled: int = 0
    answered: int = 0
    counts: dict = field(default_factory=dict)     # topic → [positive, answers]

    @property
    def coverage(self) -> Decimal | None:
        return ratio(self.answered, self.sampled)

    def rate(self, topic: str) -> Decimal | None:
        pos, n = self.counts.get(topic, (0, 0))
        return ratio(pos, n)

    @property
    def rates(self) -> list[Decimal | None]:
        return [self.rate(t.key) for t in TOPICS]

    def add(self, other: RateRow) -> None:
        self.sampled += other.sampled
        self.answered += other.answered
        for topic, (pos, n) in other.counts.items():
            p0, n0 = self.counts.get(topic, (0, 0))
            self.counts[topic] = (p0 + pos, n0 + n)


def survey_rates(survey: Survey, prefix: str | None) -> tuple[RateRow, list[RateRow]]:
    """The total of the scope and one row per township (with its villages after it) and village."""
    entries = SampleEntry.objects.filter(in_scope_q("region_code", prefix), survey=survey)
    villages: dict[str, RateRow] = {}
    for r in entries.values("region_code").annotate(n=Count("id"), done=Count("id", filter=Q(answered_at__isnull=False))):
        villages[r["region_code"]] = RateRow(r["region_code"], "", Level.VILLAGE, r["n"], r["done"])
    answers = (Answer.objects.filter(in_scope_q("entry__region_code", prefix), entry__survey=survey)
               .values("entry__region_code", "topic").annotate(n=Count("id"), pos=Count("id", filter=Q(positive=True))))
    for a in answers:
        villages[a["entry__region_code"]].counts[a["topic"]] = (a["pos"], a["n"])
    names = dict(Region.objects.filter(in_scope_q("code", survey.region_prefix)).values_list("code", "name"))
    townships: dict[str, RateRow] = {}
    # The scope's own code: a prefix padded with zeros is the code of its county, township or village.
    total = RateRow((prefix or survey.region_prefix).ljust(12, "0"), "合计", "")
    for code, row in sorted(villages.items()):
        row.name = names.get(code, code)
        t_code = code[:9] + "000"
        t = townships.setdefault(t_code, RateRow(t_code, names.get(t_code, t_code), Level.TOWNSHIP))
        t.add(row)
        total.add(row)
    rows: list[RateRow] = []
    for t_code, t in sorted(townships.items()):
        rows.append(t)
        rows.extend(v for code, v in sorted(villages.items()) if code.startswith(t_code[:9]))
    return total, rows
