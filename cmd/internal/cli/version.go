package cli

import (
	"fmt"
	"runtime/debug"
	"strings"
	"time"
)

// Version is the line --version prints: the module version and the VCS
// revision the binary was built from, as the Go toolchain recorded them.
func Version(name string) string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return name + " (no build information)"
	}
	return versionLine(name, bi)
}

// versionLine: "klachtbot v1.2.0 (revision 95884a7…, modified, committed
// 2026-11-29 22:10 UTC) go1.26.0". `go build` in a git checkout stamps the
// revision; `go install module@version` the version.
func versionLine(name string, bi *debug.BuildInfo) string {
	settings := map[string]string{}
	for _, s := range bi.Settings {
		settings[s.Key] = s.Value
	}
	version := bi.Main.Version
	if version == "" {
		version = "(devel)"
	}
	var vcs []string
	if rev := settings["vcs.revision"]; rev != "" {
		vcs = append(vcs, "revision "+rev)
	}
	if settings["vcs.modified"] == "true" {
		vcs = append(vcs, "modified")
	}
	if t, err := time.Parse(time.RFC3339, settings["vcs.time"]); err == nil {
		vcs = append(vcs, "committed "+t.UTC().Format("2006-01-02 15:04 UTC"))
	}
	line := name + " " + version
	if len(vcs) > 0 {
		line += " (" + strings.Join(vcs, ", ") + ")"
	}
	if bi.GoVersion != "" {
		line += fmt.Sprintf(" %s", bi.GoVersion)
	}
	return line
}
