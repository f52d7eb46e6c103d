// Package validate checks the Kubernetes manifests in deploy/kubernetes
// offline: it decodes them strictly into the k8s.io/api types (an unknown
// or misspelt field fails), checks the fields the recipe depends on, and
// runs the Jobs' container command lines as simulated pods against a
// legolab built from this repository. It is a module of its own so that
// legolab itself does not depend on the Kubernetes API packages:
//
//	cd deploy/kubernetes/validate && go test ./...
package validate
