package dataset

import (
	"fmt"
	"strings"
)

// maxNameBytes is the USTAR name field's size (POSIX.1-1988 ustar header, "name" is 100
// bytes): names that fit it need neither the prefix field nor PAX records.
const maxNameBytes = 100

// ValidateKey checks that key can name a sample: not empty, no dot (the first dot separates
// the key from the extension), no slash or backslash (names are flat), no NUL and no other
// control byte.
func ValidateKey(key string) error {
	if key == "" {
		return fmt.Errorf("dataset: empty sample key")
	}
	for i := 0; i < len(key); i++ {
		switch c := key[i]; {
		case c == '.':
			return fmt.Errorf("dataset: sample key %q contains a dot; the first dot separates key and extension", key)
		case c == '/' || c == '\\':
			return fmt.Errorf("dataset: sample key %q contains a slash; shard entries are flat", key)
		case c < 0x20 || c == 0x7f:
			return fmt.Errorf("dataset: sample key %q contains control byte %#x", key, c)
		}
	}
	return nil
}

// validateExt checks a part's extension: not empty, no slash, no control bytes, and its
// dot-separated components not empty ("mask.png" is fine, ".png", "png." and "a..b" are not).
func validateExt(ext string) error {
	if ext == "" {
		return fmt.Errorf("empty extension")
	}
	for _, c := range strings.Split(ext, ".") {
		if c == "" {
			return fmt.Errorf("extension %q has an empty component", ext)
		}
	}
	for i := 0; i < len(ext); i++ {
		if c := ext[i]; c == '/' || c == '\\' || c < 0x20 || c == 0x7f {
			return fmt.Errorf("extension %q contains %q", ext, c)
		}
	}
	return nil
}

// splitName splits a tar entry name into key and extension, rejecting anything this package
// would not have written.
func splitName(name string) (key, ext string, err error) {
	if len(name) > maxNameBytes {
		return "", "", fmt.Errorf("name of %d bytes, more than %d", len(name), maxNameBytes)
	}
	if strings.ContainsAny(name, `/\`) {
		return "", "", fmt.Errorf("name has a folder, is absolute or climbs out with \"..\"")
	}
	key, ext, ok := strings.Cut(name, ".")
	if !ok {
		return "", "", fmt.Errorf("name has no extension")
	}
	if err := ValidateKey(key); err != nil {
		return "", "", fmt.Errorf("bad key")
	}
	if err := validateExt(ext); err != nil {
		return "", "", err
	}
	return key, ext, nil
}
