package probe

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
)

// validate says what is wrong with a check, in words a caller can act on.
func validate(c Check) error {
	switch c.Kind {
	case KindTCP:
		if c.Host == "" {
			return errors.New("tcp check needs host")
		}
		if c.Port < 1 || c.Port > 65535 {
			return fmt.Errorf("tcp check needs port in 1..65535, got %d", c.Port)
		}
	case KindDNS:
		if c.DNSName == "" {
			return errors.New("dns check needs dns_name")
		}
	case KindHTTPS:
		u, err := url.Parse(c.URL)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			return errors.New("https check needs url of the form https://host[:port]/path")
		}
	case KindAWS:
		switch c.Action {
		case ActionGetCallerIdentity:
		case ActionGetSecretValue, ActionInvoke, ActionGetParameter:
			if c.Target == "" {
				return fmt.Errorf("aws check %s needs target", c.Action)
			}
		case ActionExecuteStatement:
			if c.Target == "" || c.Secret == "" {
				return fmt.Errorf("aws check %s needs target (the cluster ARN) and secret (the secret ARN)", c.Action)
			}
		default:
			return fmt.Errorf("unknown aws action %q (want %s, %s, %s, %s or %s)", c.Action, ActionGetCallerIdentity,
				ActionGetSecretValue, ActionInvoke, ActionGetParameter, ActionExecuteStatement)
		}
	default:
		return fmt.Errorf("unknown kind %q (want tcp, dns, https or aws)", c.Kind)
	}
	return nil
}

// targetOf names what a check aims at, for the Result.
func targetOf(c Check) string {
	switch c.Kind {
	case KindTCP:
		return net.JoinHostPort(c.Host, strconv.Itoa(c.Port))
	case KindDNS:
		return c.DNSName
	case KindHTTPS:
		if u, err := url.Parse(c.URL); err == nil {
			u.User = nil // never echo credentials embedded in a URL
			u.RawQuery = ""
			u.Fragment = ""
			return u.String()
		}
		return ""
	case KindAWS:
		t := c.Action
		if c.Target != "" {
			t += " " + c.Target
		}
		if c.AssumeRole != "" {
			t += " as " + c.AssumeRole
		}
		return t
	}
	return ""
}
