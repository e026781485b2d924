"""The questionnaire (问卷) of the household survey: its topics (the rates the seeds ask for) and questions.

Seed 000 (考核评估方式) names the rates: “通过问卷方式，调查分析群众对巩固脱贫成果认可度、驻村帮扶认可度、政策知晓率、返贫监测
精准度等”; seed 002 附件2 指标12 scores “巩固脱贫成果认可度”: “根据入户调查情况，综合测算……巩固脱贫成果群众认可度”; seed
001 asks that 村“两委” members with “群众认可度低” be adjusted. A topic's rate is the share of its answers that are
positive (认可, 知晓, 准确); “说不清” counts in the denominator, so a rate is never flattered by leaving it out.
The questions are code, versioned by the questionnaire's code: answers keep the question key and the option
chosen, so a later questionnaire never rewrites an earlier survey's rates.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    key: str
    title: str
    source: str
    quote: str


@dataclass(frozen=True)
class Question:
    key: str
    topic: str
    text: str
    options: tuple[tuple[str, bool], ...]      # (label, counts as positive)

    def option(self, label: str) -> tuple[str, bool] | None:
        return next((o for o in self.options if o[0] == label), None)


@dataclass(frozen=True)
class Questionnaire:
    code: str
    title: str
    questions: tuple[Question, ...]

    def question(self, key: str) -> Question | None:
        return next((q for q in self.questions if q.key == key), None)


S000 = "通过问卷方式，调查分析群众对巩固脱贫成果认可度、驻村帮扶认可度、政策知晓率、返贫监测精准度等。"
TOPICS = (
    Topic("achievement", "巩固脱贫成果认可度", "002 附件2 指标12；000 考核评估方式 3",
          "根据入户调查情况，综合测算各设区市巩固脱贫成果群众认可度。（002）" + S000 + "（000）"),
    Topic("stationing", "驻村帮扶认可度", "000 考核评估方式 3", S000),
    Topic("committee", "村“两委”认可度", "001 村“两委”班子建设",
          "对不具备履职条件、能力素质较差、群众认可度低的村“两委”委员及时进行调整。"),
    Topic("policy", "政策知晓率", "000 考核评估方式 3", S000),
    Topic("precision", "返贫监测精准度", "000 考核评估方式 3", S000),
)
TOPIC_BY_KEY = {t.key: t for t in TOPICS}

SATISFIED = (("满意", True), ("基本满意", True), ("不满意", False), ("说不清", False))

Q2025 = Questionnaire("2025", "巩固拓展脱贫攻坚成果入户问卷（2025）", (
    Question("q1", "achievement", "您对本村巩固脱贫成果、防止返贫的总体情况满意吗？", SATISFIED),
    Question("q2", "achievement", "近两年您家的生活条件有没有改善？",
             (("明显改善", True), ("有所改善", True), ("没有变化", False), ("变差了", False))),
    Question("q3", "stationing", "驻村第一书记或工作队到过您家吗？",
             (("到过，不止一次", True), ("到过一次", True), ("没到过", False), ("不知道有工作队", False))),
    Question("q4", "stationing", "您对驻村工作队的帮扶工作满意吗？", SATISFIED),
    Question("q5", "committee", "您对村“两委”班子的工作满意吗？", SATISFIED),
    Question("q6", "policy", "家里遇到困难，您知道可以向村里申报、纳入防止返贫监测吗？", (("知道", True), ("不知道", False))),
    Question("q7", "policy", "您知道脱贫人口和监测对象参加医保有资助、看病报销有倾斜吗？", (("知道", True), ("不知道", False))),
    Question("q8", "precision", "据您了解，本村纳入监测的户，是不是确实有返贫致贫风险？",
             (("是", True), ("有的不是", False), ("不清楚", False))),
    Question("q9", "precision", "据您了解，本村有没有生活确有困难、却没有纳入监测的户？",
             (("没有", True), ("有", False), ("不清楚", False))),
))

QUESTIONNAIRES = {Q2025.code: Q2025}
CURRENT = Q2025.code
