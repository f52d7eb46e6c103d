// Copyright ©2016 The Gonum Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

// This is gonum v0.17.0's mathext/internal/cephes/cephes.go: the constants
// of the Cephes ports that follow (incbeta.go, incbi.go, igam.go and their
// helpers), in which math.Exp, math.Pow and math.Erfc are replaced by this
// package's Exp, Pow and Erfc.

package portable

import "math"

/*
Additional copyright information:

Code in this package is adapted from the Cephes library (http://www.netlib.org/cephes/).
There is no explicit licence on Netlib, but the author has agreed to a BSD release.
See https://github.com/deepmind/torch-cephes/blob/master/LICENSE.txt and
https://lists.debian.org/debian-legal/2004/12/msg00295.html
*/

const (
	paramOutOfBounds            = "cephes: parameter out of bounds"
	errParamFunctionSingularity = "cephes: function singularity"
)

const (
	machEp  = 1.0 / (1 << 53)
	maxLog  = 1024 * math.Ln2
	minLog  = -1075 * math.Ln2
	maxIter = 2000
)
