# `make run` and `make test` do all the set-up on a fresh machine (see README).
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DATA_DIR ?= var
HOST ?= 127.0.0.1
PORT ?= 8000
export UPPERBACK_DATA_DIR ?= $(CURDIR)/$(DATA_DIR)

.PHONY: setup run test lint bench vision-report screenshots clean

# A stamp file keeps a second `make test` from reinstalling (idempotent set-up).
$(STAMP): requirements.txt requirements-mediapipe.txt pyproject.toml
	test -x $(BIN)/python || python3 -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.txt
	$(BIN)/pip install -q --disable-pip-version-check --no-deps -r requirements-mediapipe.txt
	$(BIN)/pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(BIN)/python -m upperback.web.compilemessages
	touch $(STAMP)

# The browser's pose model: the npm package pinned with its integrity hash in
# frontend/package-lock.json, copied into the static files (no CDN, nothing fetched at run time).
POSE_ASSETS := src/upperback/web/static/vendor/mediapipe-pose
$(POSE_ASSETS)/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --ignore-scripts --no-audit --no-fund
	mkdir -p $(POSE_ASSETS)
	cp frontend/node_modules/@mediapipe/pose/{pose.js,pose_web.binarypb,pose_solution_*,pose_landmark_lite.tflite,pose_landmark_full.tflite} $(POSE_ASSETS)/
	touch $@

# The browser's face detector (the setup check's "one person"), from the same npm install: its
# stamp follows the lock and the pose rule's `npm ci`; the full-range model suits 1-3 m.
FACE_ASSETS := src/upperback/web/static/vendor/mediapipe-face-detection
$(FACE_ASSETS)/.installed: frontend/package.json frontend/package-lock.json $(POSE_ASSETS)/.installed
	mkdir -p $(FACE_ASSETS)
	cp frontend/node_modules/@mediapipe/face_detection/{face_detection.js,face_detection_*.binarypb,face_detection_solution_*,face_detection_short_range.tflite,face_detection_full_range_sparse.tflite} $(FACE_ASSETS)/
	touch $@

setup: $(STAMP) $(POSE_ASSETS)/.installed $(FACE_ASSETS)/.installed

# One machine, plain HTTP on loopback, a secret key made on first run in the data folder.
run: export UPPERBACK_LOCAL ?= 1
run: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python -m upperback.web.serve --host $(HOST) --port $(PORT)

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	UPPERBACK_DEBUG=1 $(BIN)/mypy src/upperback  # the django-stubs plugin loads the settings
	$(BIN)/lint-imports

test: setup lint
	$(BIN)/pytest $(PYTEST_ARGS)
	@# The web app's database tests again on a throw-away PostgreSQL cluster on loopback
	@# (skipped with a message where PostgreSQL is missing; UPPERBACK_REQUIRE_POSTGRES=1 fails).
	$(BIN)/python tests/postgres_cluster.py -- $(BIN)/pytest tests/web -m "not browser" $(PYTEST_ARGS)

bench: setup
	$(BIN)/python -m bench.run $(BENCH_ARGS)

vision-report: setup
	$(BIN)/upperback vision-report

# PNGs of the main pages (desktop and phone) in var/screenshots/, from a throw-away database.
screenshots: setup
	$(BIN)/python -m bench.screenshots

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
