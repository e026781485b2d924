"""Scoring the assessment: content items per indicator (`items`), the pure score function (`score`), reading
a region's rules, evidence and deductions to score it (`card`), and the county's changes (`services`)."""
