package workflow

import (
	"github.com/mcoo/klachtbot/workflow/casework"
	"github.com/mcoo/klachtbot/workflow/learning"
	"github.com/mcoo/klachtbot/workflow/policy"
	"github.com/mcoo/klachtbot/workflow/recognize"
)

// The names cmd wires the engine with, kept where they were: the
// configuration and what it says of a mail are policy's, the transaction
// casework's, what recognition learned learning's.
type (
	Config          = policy.Config
	Director        = policy.Director
	Voice           = policy.Voice
	Source          = policy.Source
	FolderKind      = policy.FolderKind
	Tx              = casework.Tx
	Clock           = casework.Clock
	Observer        = casework.Observer
	RecognitionView = learning.RecognitionView
)

const (
	FolderInbox      = policy.FolderInbox
	FolderSent       = policy.FolderSent
	FolderComplaints = policy.FolderComplaints
)

// Defaults is the procedure as the klachtenregeling describes it.
func Defaults() Config { return policy.Defaults() }

// ResetLearned forgets what recognition learned from the directors.
func ResetLearned(tx Tx) (int, error) { return learning.ResetLearned(tx) }

// Recognition reports what recognition learned.
func Recognition(tx Tx) (*RecognitionView, error) { return learning.Recognition(tx) }

// RecognitionOf reports what recognition learned from these examples.
func RecognitionOf(ex []recognize.Learned) (*RecognitionView, error) {
	return learning.RecognitionOf(ex)
}
