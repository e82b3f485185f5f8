# amiscript: build, install, uninstall and package.
#
#   make                      release binaries (Swift runtime linked in, stripped), man pages, completions
#   make install PREFIX=/usr/local DESTDIR=
#   make uninstall PREFIX=/usr/local DESTDIR=     removes exactly what install put there
#   make deb                  build/amiscript_VERSION_ARCH.deb (dpkg-deb; Depends from dpkg-shlibdeps)
#   make lintian              the .deb through lintian (fails on any finding not overridden)
#   make version              prints the version (Sources/CommandLineSupport/Version.swift)
#
# Everything made here goes under build/ (the Swift build itself under .build/).

PREFIX ?= /usr/local
DESTDIR ?=
SWIFT ?= swift
# Release builds link the Swift runtime in (--static-swift-stdlib): a PBX host has no
# Swift toolchain, and the binaries need only Debian's libc, libstdc++, libgcc, libpcre2 and libedit.
SWIFT_RELEASE = $(SWIFT) build -c release --static-swift-stdlib

VERSION := $(shell sed -n 's/^ *public static let string = "\([^"]*\)"$$/\1/p' Sources/CommandLineSupport/Version.swift)
ARCH := $(shell dpkg --print-architecture 2>/dev/null || uname -m)
DEB := build/amiscript_$(VERSION)_$(ARCH).deb

PROGRAMS := amiscript amisim
DOCS := README.md $(wildcard docs/*.md docs/*.png)
EXAMPLES := $(wildcard examples/*.ami)
FLEET := $(wildcard examples/fleet/*)

# Where each kind of file goes under PREFIX. The zsh folder differs in the Debian package
# (Debian's zsh reads vendor completions from share/zsh/vendor-completions).
bindir = $(PREFIX)/bin
mandir = $(PREFIX)/share/man/man1
docdir = $(PREFIX)/share/doc/amiscript
bashcompdir = $(PREFIX)/share/bash-completion/completions
zshcompdir = $(PREFIX)/share/zsh/site-functions
fishcompdir = $(PREFIX)/share/fish/vendor_completions.d

# Every file install puts in place (uninstall removes exactly these, then the folders
# that are amiscript's own when they are left empty).
INSTALLED = \
	$(addprefix $(bindir)/,$(PROGRAMS)) \
	$(addprefix $(mandir)/,$(addsuffix .1,$(PROGRAMS))) \
	$(addprefix $(bashcompdir)/,$(PROGRAMS)) \
	$(addprefix $(zshcompdir)/_,$(PROGRAMS)) \
	$(addprefix $(fishcompdir)/,$(addsuffix .fish,$(PROGRAMS))) \
	$(addprefix $(docdir)/,$(DOCS)) \
	$(addprefix $(docdir)/,$(EXAMPLES) $(FLEET))
OWN_FOLDERS = $(docdir)/examples/fleet $(docdir)/examples $(docdir)/docs $(docdir)
FOLDERS = $(bindir) $(mandir) $(bashcompdir) $(zshcompdir) $(fishcompdir) $(docdir)/docs $(docdir)/examples/fleet
# The folders install created (uninstall's list of what to remove when empty).
FOLDER_LIST = $(docdir)/installed-folders

.PHONY: all binaries man completions install uninstall deb lintian version clean
all: binaries man completions

version:
	@echo $(VERSION)

binaries:
	scripts/ensure-system-packages.sh build
	$(SWIFT_RELEASE)
	mkdir -p build/bin
	for p in $(PROGRAMS); do cp .build/release/$$p build/bin/$$p.tmp && strip --remove-section=.comment --remove-section=.note build/bin/$$p.tmp && mv build/bin/$$p.tmp build/bin/$$p; done

man: $(addprefix build/man/,$(addsuffix .1,$(PROGRAMS)))
build/man/%.1: man/%.1.in Sources/CommandLineSupport/Version.swift
	mkdir -p build/man
	sed 's/@VERSION@/$(VERSION)/g' $< > $@

# Completion scripts come from swift-argument-parser, out of the binaries just built.
completions: binaries
	mkdir -p build/completions/bash build/completions/zsh build/completions/fish
	for p in $(PROGRAMS); do \
	  build/bin/$$p --generate-completion-script bash | sed "1{/^#!/d;}" > build/completions/bash/$$p && \
	  build/bin/$$p --generate-completion-script zsh > build/completions/zsh/_$$p && \
	  build/bin/$$p --generate-completion-script fish > build/completions/fish/$$p.fish || exit 1; \
	done

# Installs what `make` built; it builds nothing itself (so `sudo make install` after `make`
# leaves no root-owned files in the tree), but stops when something is missing.
install:
	@for f in $(addprefix build/bin/,$(PROGRAMS)) $(addprefix build/man/,$(addsuffix .1,$(PROGRAMS))) build/completions/fish/amisim.fish; do \
	  [ -f $$f ] || { echo "install: $$f is missing: run 'make' first" >&2; exit 1; }; done
	@# The folders that install creates are written down, so uninstall removes them (and
	@# only them) again: deepest first, each only when it is empty.
	created=$$(for d in $(FOLDERS); do \
	  while [ "$$d" != / ] && [ ! -d "$(DESTDIR)$$d" ]; do echo "$$d"; d=$$(dirname "$$d"); done; done | sort -u -r); \
	install -d $(addprefix $(DESTDIR),$(FOLDERS)) && \
	printf '%s\n' $$created $(docdir) | sort -u -r > $(DESTDIR)$(FOLDER_LIST)
	for p in $(PROGRAMS); do \
	  install -m 755 build/bin/$$p $(DESTDIR)$(bindir)/$$p && \
	  install -m 644 build/man/$$p.1 $(DESTDIR)$(mandir)/$$p.1 && \
	  install -m 644 build/completions/bash/$$p $(DESTDIR)$(bashcompdir)/$$p && \
	  install -m 644 build/completions/zsh/_$$p $(DESTDIR)$(zshcompdir)/_$$p && \
	  install -m 644 build/completions/fish/$$p.fish $(DESTDIR)$(fishcompdir)/$$p.fish || exit 1; \
	done
	for f in $(DOCS); do install -m 644 $$f $(DESTDIR)$(docdir)/$$f || exit 1; done
	for f in $(EXAMPLES) $(FLEET); do \
	  if [ -x $$f ]; then mode=755; else mode=644; fi; install -m $$mode $$f $(DESTDIR)$(docdir)/$$f || exit 1; done

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	folders=$$(cat $(DESTDIR)$(FOLDER_LIST) 2>/dev/null || printf '%s\n' $(OWN_FOLDERS)); \
	rm -f $(DESTDIR)$(FOLDER_LIST); \
	for d in $$folders; do [ ! -d "$(DESTDIR)$$d" ] || rmdir "$(DESTDIR)$$d" 2>/dev/null || true; done

# The Debian package: install under /usr into a staging root, then Debian's own layout
# (zsh vendor completions, gzipped man pages and changelog, copyright), control from
# packaging/debian/control.in with Depends computed by dpkg-shlibdeps. (Its libc6 version
# is raised to 2.36 when the binaries use RELR relocations, lld's -z pack-relative-relocs:
# the loader must know GLIBC_ABI_DT_RELR, a version dpkg-shlibdeps does not count because
# no symbol carries it.)
DEBROOT = build/deb/root
deb: all
	rm -rf build/deb $(DEB)
	$(MAKE) --no-print-directory install PREFIX=/usr DESTDIR=$(CURDIR)/$(DEBROOT)
	rm $(DEBROOT)/usr/share/doc/amiscript/installed-folders
	mkdir -p $(DEBROOT)/usr/share/zsh/vendor-completions
	mv $(DEBROOT)/usr/share/zsh/site-functions/* $(DEBROOT)/usr/share/zsh/vendor-completions/
	rmdir $(DEBROOT)/usr/share/zsh/site-functions
	gzip -9n $(DEBROOT)/usr/share/man/man1/*.1
	install -m 644 packaging/debian/copyright $(DEBROOT)/usr/share/doc/amiscript/copyright
	install -D -m 644 packaging/debian/lintian-overrides $(DEBROOT)/usr/share/lintian/overrides/amiscript
	packaging/debian/changelog.sh $(VERSION) | gzip -9n > $(DEBROOT)/usr/share/doc/amiscript/changelog.gz
	chmod 644 $(DEBROOT)/usr/share/doc/amiscript/changelog.gz
	mkdir -p $(DEBROOT)/DEBIAN build/deb/shlibs/debian
	echo "Source: amiscript" > build/deb/shlibs/debian/control
	depends=$$(cd build/deb/shlibs && dpkg-shlibdeps -O $(addprefix $(CURDIR)/$(DEBROOT)/usr/bin/,$(PROGRAMS)) | sed -n 's/^shlibs:Depends=//p') && \
	if readelf -V $(addprefix $(DEBROOT)/usr/bin/,$(PROGRAMS)) | grep -q GLIBC_ABI_DT_RELR; then \
	  libc=$$(echo "$$depends" | sed -n 's/.*libc6 (>= \([^)]*\)).*/\1/p'); \
	  dpkg --compare-versions "$$libc" ge 2.36 || depends=$$(echo "$$depends" | sed 's/libc6 (>= [^)]*)/libc6 (>= 2.36)/'); \
	fi && \
	size=$$(du -sk --apparent-size $(DEBROOT)/usr | cut -f1) && \
	sed -e 's/@VERSION@/$(VERSION)/' -e 's/@ARCH@/$(ARCH)/' -e "s/@DEPENDS@/$$depends/" -e "s/@SIZE@/$$size/" \
	  packaging/debian/control.in > $(DEBROOT)/DEBIAN/control
	(cd $(DEBROOT) && find usr -type f | LC_ALL=C sort | xargs md5sum) > $(DEBROOT)/DEBIAN/md5sums
	chmod 644 $(DEBROOT)/DEBIAN/control $(DEBROOT)/DEBIAN/md5sums
	find $(DEBROOT) -type d -exec chmod 755 {} +
	dpkg-deb --root-owner-group -Zxz --build $(DEBROOT) $(DEB)
	@echo "built $(DEB)"

# Every finding down to pedantic; the overrides shipped in the package say why each is left.
lintian: $(DEB)
	lintian --info --display-info --pedantic --fail-on error,warning,info,pedantic $(DEB)

$(DEB):
	$(MAKE) --no-print-directory deb

clean:
	rm -rf build
