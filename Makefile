# NetLab — make run | build | test | package | bench (see README.md)
GO        ?= go
BIN       ?= netlab
FYNE_TOOL := fyne.io/tools/cmd/fyne@v1.7.4
GOBIN     := $(shell $(GO) env GOPATH)/bin
FYNE      := $(GOBIN)/fyne
# the pure-Go parts that must build for every desktop system
CROSS_PKGS := ./netengine/...

.PHONY: run build deps test fmt-check vet unit cross smoke package bench licenses clean package-windows test-windows

run: deps build
	./$(BIN)

deps:
	@bash .ci/deps.sh

build:
	$(GO) build -o $(BIN) .

test: fmt-check vet unit cross smoke

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './bench/*')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi; echo "gofmt: ok"

vet:
	$(GO) vet ./...

unit:
	$(GO) test -race -timeout 20m ./...

cross:
	CGO_ENABLED=0 GOOS=windows GOARCH=amd64 $(GO) build $(CROSS_PKGS)
	CGO_ENABLED=0 GOOS=darwin  GOARCH=arm64 $(GO) build $(CROSS_PKGS)
	CGO_ENABLED=0 GOOS=darwin  GOARCH=amd64 $(GO) build $(CROSS_PKGS)
	CGO_ENABLED=0 GOOS=linux   GOARCH=arm64 $(GO) build $(CROSS_PKGS)
	@echo "cross builds: ok"

smoke: build
	bash .ci/smoke.sh ./$(BIN)

# The fyne CLI is installed outside go.mod: as a go.mod tool it would pull
# Fyne itself up to v2.8 (docs/fyne.md).
$(FYNE):
	$(GO) install $(FYNE_TOOL)

package: deps $(FYNE)
	cp FyneApp.toml .FyneApp.toml.keep
	$(FYNE) package -os linux --release; status=$$?; mv .FyneApp.toml.keep FyneApp.toml; exit $$status
	@ls -l NetLab.tar.xz

# Windows: NetLab.exe (icon and version info embedded) and NetLab-windows.zip,
# cross-built with mingw-w64 (.ci/windows/setup installs it on Debian/Ubuntu).
package-windows: $(FYNE)
	bash .ci/windows/setup
	cp FyneApp.toml .FyneApp.toml.keep
	GOOS=windows GOARCH=amd64 CGO_ENABLED=1 CC=x86_64-w64-mingw32-gcc $(FYNE) package -os windows --release; \
	  status=$$?; mv .FyneApp.toml.keep FyneApp.toml; rm -f fyne_metadata_init.go fyne.syso; exit $$status
	bash .ci/windows/zip NetLab.exe NetLab-windows.zip

# Built for Windows and run under wine (Linux only): the portable engine's
# conformance suite, the CLI, the Windows parts of sysnet/dnsx, TCP states
# (GetExtendedTcpTable), the load generator's goroutine path, the server
# models, and the whole virtual network (stacks, decoder, virtual engine,
# scenarios).
WIN_TEST_PKGS := ./netengine/ ./netengine/cli/ ./netengine/sysnet/ ./netengine/dnsx/ ./netengine/internal/wine/ ./netengine/internal/winadapt/ ./netengine/tcpstate/ ./netengine/loadgen/ ./netengine/servermodels/ ./netengine/vnet/ ./netengine/vnet/packet/ ./netengine/vnet/scenario/ ./netengine/vnet/vengine/
test-windows:
	bash .ci/windows/setup wine
	CGO_ENABLED=0 GOOS=windows GOARCH=amd64 $(GO) test -count=1 -timeout 15m -exec "$(CURDIR)/.ci/windows/exec" $(WIN_TEST_PKGS)

licenses:
	cd app && $(GO) generate .

# One run, every peer: TCP echo + C10K (bench/README.md), static files vs
# nginx/net/http/python (bench/README.md), the TCP panel's receive
# pipeline, `netlab load` vs wrk, and the virtual network vs loopback.
BENCH_SCRIPTS := bench/run-echo.sh bench/run-web.sh bench/run-workbench.sh bench/load-vs-wrk.sh bench/run-vnet.sh
bench:
	@bash .ci/deps.sh bench
	@for s in $(BENCH_SCRIPTS); do echo "== $$s"; bash "$$s" || exit 1; done

clean:
	rm -f $(BIN) NetLab.tar.xz NetLab.exe NetLab-windows.zip
