package main

import (
	"runtime/debug"
	"testing"
)

func TestWithRevision(t *testing.T) {
	settings := func(kv ...string) *debug.BuildInfo {
		info := &debug.BuildInfo{}
		for i := 0; i+1 < len(kv); i += 2 {
			info.Settings = append(info.Settings, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return info
	}
	const rev = "0123456789abcdef0123456789abcdef01234567"
	tests := []struct {
		name string
		v    string
		info *debug.BuildInfo
		want string
	}{
		{"no build info", "0.1.0-dev", nil, "0.1.0-dev"},
		{"no revision (-buildvcs=false)", "0.1.0-dev", settings("-compiler", "gc"), "0.1.0-dev"},
		{"clean", "0.1.0-dev", settings("vcs.revision", rev, "vcs.modified", "false"), "0.1.0-dev+0123456789ab"},
		{"dirty", "0.1.0-dev", settings("vcs.revision", rev, "vcs.modified", "true"), "0.1.0-dev+0123456789ab.dirty"},
		{"short revision", "1.2.3", settings("vcs.revision", "abc"), "1.2.3+abc"},
		{"build metadata already", "1.2.3+ci.7", settings("vcs.revision", rev), "1.2.3+ci.7.0123456789ab"},
	}
	for _, tc := range tests {
		if got := withRevision(tc.v, tc.info); got != tc.want {
			t.Errorf("%s: withRevision(%q) = %q; want %q", tc.name, tc.v, got, tc.want)
		}
	}
}

func TestWithPlatform(t *testing.T) {
	level := func(v string) *debug.BuildInfo {
		return &debug.BuildInfo{Settings: []debug.BuildSetting{{Key: "-compiler", Value: "gc"}, {Key: "GOAMD64", Value: v}}}
	}
	tests := []struct {
		v, goarch string
		info      *debug.BuildInfo
		want      string
	}{
		{"0.1.0-dev", "amd64", nil, "0.1.0-dev"},
		{"0.1.0-dev", "amd64", level("v1"), "0.1.0-dev"},
		{"0.1.0-dev", "amd64", level("v3"), "0.1.0-dev+amd64-v3"},
		{"0.1.0-dev+0123456789ab", "amd64", level("v2"), "0.1.0-dev+0123456789ab.amd64-v2"},
		{"0.1.0-dev", "arm64", nil, "0.1.0-dev+arm64"},
		{"1.2.3+abc.dirty", "arm64", level("v1"), "1.2.3+abc.dirty.arm64"},
	}
	for _, tc := range tests {
		if got := withPlatform(tc.v, tc.goarch, tc.info); got != tc.want {
			t.Errorf("withPlatform(%q, %q, GOAMD64 of %v) = %q; want %q", tc.v, tc.goarch, tc.info, got, tc.want)
		}
	}
}
