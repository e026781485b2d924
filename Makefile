# Gonggu — two commands: `make run` (install, migrate, demo county, serve) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
GONGGU := $(BIN)/gonggu
HOST ?= 127.0.0.1:8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/gonggu_ci

.PHONY: run test test-fast install install-test lint test-sqlite test-postgres browser-deps clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

install: $(BIN)/activate
	$(BIN)/pip install -q -e .

install-test: $(BIN)/activate
	$(BIN)/pip install -q -e '.[test]'

run: install
	$(GONGGU) migrate --noinput
	$(GONGGU) demo
	@echo "后台任务进程与网页服务启动中：http://$(HOST)/ （Ctrl-C 结束）"
	$(GONGGU) run_huey --workers 1 & trap 'kill $$! 2>/dev/null' EXIT INT TERM; $(GONGGU) runserver $(HOST)

lint: install-test
	$(BIN)/ruff check gonggu config bench
	$(BIN)/lint-imports

test: install-test browser-deps lint test-sqlite test-postgres

# The quick loop while working: lint and everything but the browser and Spark tests, on SQLite.
test-fast: install-test lint
	GONGGU_DATABASE_URL= $(BIN)/pytest -q -m "not browser and not spark"

test-sqlite:
	GONGGU_DATABASE_URL= $(BIN)/pytest -q

# PostgreSQL: a throwaway test database is created (and dropped) by pytest-django.
# On CI the server must be there; elsewhere the run is skipped with a notice when none answers.
test-postgres:
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(PG_URL)'.rsplit('/',1)[0]+'/postgres', connect_timeout=3).close()" 2>/dev/null; then \
	  GONGGU_DATABASE_URL=$(PG_URL) $(BIN)/pytest -q; \
	elif [ -n "$$CI" ]; then echo "PostgreSQL 不可用（$(PG_URL)），CI 必须在 PostgreSQL 上运行测试"; exit 1; \
	else echo "提示：127.0.0.1:5432 上没有 PostgreSQL，跳过 PostgreSQL 测试"; fi

# Debian's chromium for the browser tests (Playwright cannot download browsers offline).
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "提示：没有 /usr/bin/chromium，浏览器测试将跳过（以 root 运行 make test 会自动安装）"; fi; \
	fi

clean:
	rm -rf $(VENV) data *.egg-info
