# Thin verbs over scripts/ so `make run` and `./scripts/run` do the same thing.
.PHONY: run test lint bench
run:
	./scripts/run
test:
	./scripts/test
lint:
	.venv/bin/ruff check services admin tests
bench:
	for script in bench/*.py; do .venv/bin/python "$$script" || exit 1; done
