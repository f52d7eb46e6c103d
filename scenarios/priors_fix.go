package scenarios

import (
	"fmt"
	"slices"
)

// FixKeys makes the given key paths fixed values of s: it removes every
// prior on them, the base's and each variant's, so a value set on the
// command line (--set) is the value the run uses, and the scenario a run
// writes back reruns the same way. It returns the canonical keys whose
// priors it removed, in the order given. A key a posterior carries cannot
// be fixed this way (the posterior draws it jointly with its other keys):
// that is an error naming the posterior.
func (s *Spec) FixKeys(keyPaths []string) ([]string, error) {
	var dropped []string
	for _, kp := range keyPaths {
		key, err := s.CanonicalKey(kp)
		if err != nil {
			continue // Set reports the bad key, with its position
		}
		for _, p := range s.Posteriors {
			for _, target := range sortedKeys(p.Keys) {
				if k, err := s.CanonicalKey(p.Keys[target]); err == nil && k == key {
					return nil, fmt.Errorf("%s: carried by the posterior from %q (a [[posteriors]] entry), which draws it jointly with its other keys; remove that key from the entry's keys to fix it", kp, p.From)
				}
			}
		}
		n := 0
		keep := func(list []Prior) []Prior {
			return slices.DeleteFunc(list, func(p Prior) bool {
				k, err := s.CanonicalKey(p.Key)
				if err == nil && k == key {
					n++
					return true
				}
				return false
			})
		}
		s.Priors = keep(s.Priors)
		for i := range s.Variants {
			s.Variants[i].Priors = keep(s.Variants[i].Priors)
		}
		if n > 0 && !slices.Contains(dropped, key) {
			dropped = append(dropped, key)
		}
	}
	return dropped, nil
}
