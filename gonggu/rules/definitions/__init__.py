"""One module per rule; each defines `RULE` (a RuleDef). `gonggu.rules.rule_defs` registers them all.

Shared seed passages are kept in `seeds.py` so the quoted text is written once.
"""
