from django import template

from ..words import document_title, param_title, plain_words, rule_title, without_columns

register = template.Library()

register.filter("plain_words", plain_words)
register.filter("document_title", document_title)
register.filter("rule_title", rule_title)
register.filter("param_title", param_title)
register.filter("without_columns", without_columns)
