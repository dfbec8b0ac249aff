# The commands people type. The first `make serve` or `make test` sets everything up (scripts/setup.sh).
PY := .venv/bin/python
READY := .venv/.ready
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve test build pdf epub bench live live-en messages clean

serve: build                  ## build both languages, then serve them on http://127.0.0.1:8000
	$(PY) -m scripts.site_server 8000

test: $(READY)                ## the whole test suite
	$(PY) -m pytest

build: $(READY)               ## both languages into site/ (Chinese) and site/en/ (English)
	$(PY) -m scripts.build

pdf: $(READY)                 ## site/pdf/*-zh.pdf and *-en.pdf, from the site that make build made
	$(PY) -m scripts.pdf

epub: $(READY)                ## site/epub/*-zh.epub and *-en.epub, from the site that make build made (when changed)
	$(PY) -m scripts.epub

bench: $(READY)               ## the performance table
	$(PY) -m scripts.bench

live: $(READY)                ## live-reloading Chinese site while you write (rebuilds only what an edit touches)
	.venv/bin/mkdocs serve --dirty -a 127.0.0.1:8000

live-en: $(READY)             ## live-reloading English site while you write
	.venv/bin/mkdocs serve --dirty -a 127.0.0.1:8000 -f mkdocs.en.yml

messages: $(READY)            ## add the snippets' new comments and prose to the Chinese catalog, drop obsolete ones
	$(PY) -m scripts.messages

clean:                        ## remove what builds made (keeps the set-up)
	rm -rf site build .pytest_cache

$(READY): requirements.txt package-lock.json scripts/setup.sh
	scripts/setup.sh
	touch $@
