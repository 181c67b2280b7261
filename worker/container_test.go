package worker_test

import (
	"bufio"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// instruction is one Dockerfile instruction, continuation lines joined.
type instruction struct{ cmd, args string }

// stage is one FROM … section of a Dockerfile.
type stage struct {
	name  string
	instr []instruction
}

func parseDockerfile(t *testing.T, path string) []stage {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var stages []stage
	var line string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		if strings.HasSuffix(text, `\`) {
			line += strings.TrimSuffix(text, `\`) + " "
			continue
		}
		line += text
		cmd, args, _ := strings.Cut(line, " ")
		line = ""
		cmd = strings.ToUpper(cmd)
		if cmd == "FROM" {
			s := stage{}
			if _, name, ok := strings.Cut(strings.ToLower(args), " as "); ok {
				s.name = strings.TrimSpace(name)
			}
			stages = append(stages, s)
			continue
		}
		if len(stages) == 0 {
			t.Fatalf("%s before FROM", cmd)
		}
		st := &stages[len(stages)-1]
		st.instr = append(st.instr, instruction{cmd, strings.TrimSpace(args)})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return stages
}

// aptPackages returns the packages the stage's apt-get install lines name.
func aptPackages(s stage) (pkgs []string, runs []string) {
	for _, in := range s.instr {
		if in.cmd != "RUN" || !strings.Contains(in.args, "apt-get install") {
			continue
		}
		runs = append(runs, in.args)
		for _, part := range strings.Split(in.args, "&&") {
			fields := strings.Fields(part)
			if len(fields) < 2 || fields[0] != "apt-get" || fields[1] != "install" {
				continue
			}
			for _, f := range fields[2:] {
				if !strings.HasPrefix(f, "-") {
					pkgs = append(pkgs, f)
				}
			}
		}
	}
	return pkgs, runs
}

func makePackages(t *testing.T) map[string][]string {
	t.Helper()
	out, err := exec.Command("make", "-s", "-C", repoRoot, "packages").Output()
	if err != nil {
		t.Skipf("make packages: %v", err)
	}
	lists := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		name, pkgs, _ := strings.Cut(line, "=")
		lists[name] = strings.Fields(pkgs)
	}
	return lists
}

func installed(pkg string) bool {
	out, err := exec.Command("dpkg-query", "-W", "-f=${Status}", pkg).Output()
	return err == nil && strings.Contains(string(out), "install ok installed")
}

// TestDockerfile checks the container without a Docker engine: the build
// stage installs the Makefile's -dev packages and the runtime stage the rest
// of what `make run` installs, plus Tesseract's models the issue names; the
// build stage's steps run here as a shell script (apt-get only when a
// package is missing) on a copy of the source, as COPY . . gives it, and the
// binary it builds runs.
func TestDockerfile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	stages := parseDockerfile(t, filepath.Join(repoRoot, "Dockerfile"))
	if len(stages) != 2 || stages[0].name != "build" {
		t.Fatalf("want two stages, the first named build; got %d", len(stages))
	}
	build, runtime := stages[0], stages[1]
	buildPkgs, buildApt := aptPackages(build)
	runPkgs, _ := aptPackages(runtime)

	lists := makePackages(t)
	for _, p := range lists["RUN_PACKAGES"] {
		if strings.HasSuffix(p, "-dev") {
			if !slices.Contains(buildPkgs, p) {
				t.Errorf("RUN_PACKAGES has %s; the build stage does not install it", p)
			}
		} else if !slices.Contains(runPkgs, p) {
			t.Errorf("RUN_PACKAGES has %s; the runtime stage does not install it", p)
		}
	}
	for _, p := range []string{"tesseract-ocr", "tesseract-ocr-chi-sim", "tesseract-ocr-chi-tra", "tesseract-ocr-osd"} {
		if !slices.Contains(runPkgs, p) {
			t.Errorf("the runtime stage does not install %s", p)
		}
	}
	for _, p := range runPkgs {
		if strings.HasSuffix(p, "-dev") {
			t.Errorf("the runtime stage installs %s, a build package", p)
		}
	}
	want := map[string]string{"ENV": "OMP_THREAD_LIMIT=1", "USER": "nianbao", "ENTRYPOINT": `"worker"`, "VOLUME": `"/data/inbox", "/data/out"`}
	for cmd, part := range want {
		found := false
		for _, in := range runtime.instr {
			found = found || (in.cmd == cmd && strings.Contains(in.args, part))
		}
		if !found {
			t.Errorf("the runtime stage has no %s with %s", cmd, part)
		}
	}

	// The apt step, only when something is missing.
	var missing []string
	for _, p := range buildPkgs {
		if !installed(p) {
			missing = append(missing, p)
		}
	}
	if len(missing) > 0 {
		if os.Geteuid() != 0 {
			t.Skipf("%v not installed and not root to install them", missing)
		}
		for _, run := range buildApt {
			if out, err := exec.Command("sh", "-ec", run).CombinedOutput(); err != nil {
				t.Fatalf("RUN %s: %v\n%s", run, err, out)
			}
		}
	}

	// The other steps of the build stage, in a copy of the source.
	root := t.TempDir()
	workdir := "/"
	env := os.Environ()
	var copies []string
	for _, in := range build.instr {
		switch in.cmd {
		case "WORKDIR":
			workdir = in.args
		case "ENV":
			env = append(env, in.args)
		case "COPY":
			copySource(t, filepath.Join(root, workdir))
		case "RUN":
			if slices.Contains(buildApt, in.args) {
				continue
			}
			cmd := exec.Command("sh", "-ec", in.args)
			cmd.Dir, cmd.Env = filepath.Join(root, workdir), env
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("RUN %s: %v\n%s", in.args, err, out)
			}
		}
	}
	for _, in := range runtime.instr {
		if in.cmd == "COPY" && strings.HasPrefix(in.args, "--from=build ") {
			copies = append(copies, strings.Fields(in.args)[1])
		}
	}
	if len(copies) != 1 {
		t.Fatalf("want one COPY --from=build, got %v", copies)
	}
	bin := filepath.Join(root, copies[0])
	for _, args := range [][]string{{"--help"}, {"worker", "--help"}} {
		if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
			t.Errorf("%s %v: %v\n%s", copies[0], args, err, out)
		}
	}
	if _, err := exec.LookPath("tesseract"); err == nil && len(missing) == 0 {
		out, _ := exec.Command("tesseract", "--list-langs").CombinedOutput()
		for _, lang := range []string{"chi_sim", "chi_tra", "osd"} {
			if !strings.Contains(string(out), lang) {
				t.Errorf("tesseract has no %s model:\n%s", lang, out)
			}
		}
	}
}

// copySource copies the repository into dir as `COPY . .` does, leaving out
// what .dockerignore names.
func copySource(t *testing.T, dir string) {
	t.Helper()
	ignore := map[string]bool{}
	if data, err := os.ReadFile(filepath.Join(repoRoot, ".dockerignore")); err == nil {
		for _, l := range strings.Fields(string(data)) {
			ignore[l] = true
		}
	}
	err := filepath.WalkDir(repoRoot, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(repoRoot, p)
		if ignore[filepath.ToSlash(rel)] {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		dst := filepath.Join(dir, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}
