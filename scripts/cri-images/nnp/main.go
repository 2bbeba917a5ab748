// Stand-in for registry.k8s.io/e2e-test-images/nonewprivs: a setuid-root binary that prints its
// effective uid, so critest's NoNewPrivs specs can see whether the setuid bit took effect.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Printf("Effective uid: %d\n", os.Geteuid())
}
