package awsbackend

import "os"

// SkipMessage is what specs that need a real account print when they skip.
const SkipMessage = "AWS backend: no credentials (AWS_PROFILE/AWS_ACCESS_KEY_ID); set LETSLEEP_AWS=1 with real credentials to run"

// credentialVars name credentials in the environment. The offline plans'
// fake keys do not count.
var credentialVars = []string{"AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"}

var fakeKeys = map[string]bool{"offline-fake": true, "fake": true}

// HaveCredentials reports whether the environment names real credentials.
func HaveCredentials() bool {
	for _, k := range credentialVars {
		if v := os.Getenv(k); v != "" && !fakeKeys[v] {
			return true
		}
	}
	return false
}

// SkipReason returns "" when the AWS backend may run (LETSLEEP_AWS=1 and
// credentials in the environment), else SkipMessage. Specs call
// Skip(reason) with it, so a skip is always loud.
func SkipReason() string {
	if os.Getenv("LETSLEEP_AWS") != "1" || !HaveCredentials() {
		return SkipMessage
	}
	return ""
}
