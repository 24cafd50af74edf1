package tfexec

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// A directory check runs `terraform init` only when it could change
// something. After a successful init the data directory keeps a stamp of
// everything init's result depends on, and a copy of the lock file init
// wrote; the next check of the same folder skips init when the stamp still
// matches. Init is a tenth of a directory check on the reference stack and
// installs nothing new on an unchanged configuration.
const (
	stampFile = "letsleep-init.stamp"
	savedLock = "letsleep-lock.hcl"
)

// initStamp hashes what decides init's outcome: the terraform binary (path,
// size, modification time), the CLI configuration (provider mirrors), the
// user's lock file as it was before init (absent counts), and the
// configuration files of the root folder and of every module that init
// recorded in modules.json (a new module call or a changed version
// constraint changes one of them). It returns "" when the data directory
// holds no usable init.
func initStamp(bin, dir, data string, userLock []byte, hasUserLock bool) string {
	h := sha256.New()
	if fi, err := os.Stat(bin); err == nil {
		fmt.Fprintf(h, "bin %s %d %d\n", bin, fi.Size(), fi.ModTime().UnixNano())
	}
	if rc := os.Getenv("TF_CLI_CONFIG_FILE"); rc != "" {
		fmt.Fprintf(h, "rc %s\n", rc)
		hashFile(h, rc)
	}
	fmt.Fprintf(h, "lock %t %d\n", hasUserLock, len(userLock))
	h.Write(userLock)
	dirs, ok := moduleDirs(dir, data)
	if !ok {
		return ""
	}
	for _, d := range dirs {
		fmt.Fprintf(h, "module %s\n", d)
		if !hashConfigFiles(h, d) {
			return ""
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// moduleDirs lists the root folder and the folder of every module init
// installed or linked, from the data directory's modules.json. A
// configuration without module calls has no modules.json: then only the
// root counts.
func moduleDirs(dir, data string) ([]string, bool) {
	dirs := []string{dir}
	raw, err := os.ReadFile(filepath.Join(data, "modules", "modules.json"))
	if os.IsNotExist(err) {
		return dirs, true
	}
	if err != nil {
		return nil, false
	}
	var manifest struct {
		Modules []struct {
			Dir string `json:"Dir"`
		} `json:"Modules"`
	}
	if err := json.Unmarshal(raw, &manifest); err != nil {
		return nil, false
	}
	seen := map[string]bool{filepath.Clean(dir): true}
	for _, m := range manifest.Modules {
		d := m.Dir
		if !filepath.IsAbs(d) {
			d = filepath.Join(dir, d)
		}
		d = filepath.Clean(d)
		if !seen[d] {
			seen[d] = true
			dirs = append(dirs, d)
		}
	}
	sort.Strings(dirs[1:])
	return dirs, true
}

// hashConfigFiles adds the names and bytes of a folder's .tf and .tf.json
// files (what terraform reads as the module) to h.
func hashConfigFiles(h hash.Hash, d string) bool {
	entries, err := os.ReadDir(d)
	if err != nil {
		return false
	}
	for _, e := range entries { // ReadDir sorts by name
		name := e.Name()
		if e.IsDir() || !(strings.HasSuffix(name, ".tf") || strings.HasSuffix(name, ".tf.json")) {
			continue
		}
		fmt.Fprintf(h, "file %s\n", name)
		if !hashFile(h, filepath.Join(d, name)) {
			return false
		}
	}
	return true
}

func hashFile(h hash.Hash, path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	_, err = io.Copy(h, f)
	return err == nil
}

// initCurrent reports whether the data directory's init still holds for
// dir; when it does and the user has no lock file, the lock file init wrote
// last time is put back for plan (the caller's keepLockFile removes it
// again afterwards).
func initCurrent(bin, dir, data string, userLock []byte, hasUserLock bool) bool {
	want, err := os.ReadFile(filepath.Join(data, stampFile))
	if err != nil {
		return false
	}
	if _, err := os.Stat(filepath.Join(data, "providers")); err != nil {
		return false
	}
	stamp := initStamp(bin, dir, data, userLock, hasUserLock)
	if stamp == "" || stamp != strings.TrimSpace(string(want)) {
		return false
	}
	if hasUserLock {
		return true
	}
	lock, err := os.ReadFile(filepath.Join(data, savedLock))
	if err != nil {
		return false
	}
	return os.WriteFile(filepath.Join(dir, ".terraform.lock.hcl"), lock, 0o644) == nil
}

// recordInit writes the stamp and the lock file copy after a successful
// init. A failure to write only costs the next check an init.
func recordInit(bin, dir, data string, userLock []byte, hasUserLock bool) {
	stamp := initStamp(bin, dir, data, userLock, hasUserLock)
	os.Remove(filepath.Join(data, stampFile))
	if stamp == "" {
		return
	}
	lock, err := os.ReadFile(filepath.Join(dir, ".terraform.lock.hcl"))
	if err != nil {
		return
	}
	if os.WriteFile(filepath.Join(data, savedLock), lock, 0o600) != nil {
		return
	}
	os.WriteFile(filepath.Join(data, stampFile), []byte(stamp+"\n"), 0o600)
}
