package cli

import (
	"encoding/json"
	"io"
)

// PrintJSON writes v as indented JSON for --json, unless err: then it
// returns err and writes nothing.
func PrintJSON(out io.Writer, v any, err error) error {
	if err != nil {
		return err
	}
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
