"""Surveys (入户问卷): questionnaires, a sample of households drawn per village, answers from cadres or from the
household itself with a one-time code, and the rates per village and township (指标12 and 000's 问卷)."""
