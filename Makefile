.PHONY: install run test lint migrations-check ci

install:
	python3 dev.py setup

run:
	python3 dev.py run

test:
	python3 dev.py test

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

migrations-check:
	.venv/bin/python manage.py makemigrations --check --dry-run

ci:
	bash .ci/run
