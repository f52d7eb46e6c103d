// Derived from SciPy's special/cephes/lanczos.c
// https://github.com/scipy/scipy/blob/master/scipy/special/cephes/lanczos.c

// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.
// Copyright ©2006 John Maddock
// Portions Copyright ©2003 Boost
// Portions Copyright ©2016 The Gonum Authors. All rights reserved.

// This is the part of gonum v0.17.0's mathext/internal/cephes/lanczos.go
// that igam.go uses (lanczosSumExpgScaled).

package portable

// Optimal values for G for each N are taken from
// http://web.mala.bc.ca/pughg/phdThesis/phdThesis.pdf,
// as are the theoretical error bounds.

// Constants calculated using the method described by Godfrey
// http://my.fit.edu/~gabdo/gamma.txt and elaborated by Toth at
// http://www.rskey.org/gamma.htm using NTL::RR at 1000 bit precision.

var lanczosSumExpgScaledNum = [...]float64{
	0.006061842346248906525783753964555936883222,
	0.5098416655656676188125178644804694509993,
	19.51992788247617482847860966235652136208,
	449.9445569063168119446858607650988409623,
	6955.999602515376140356310115515198987526,
	75999.29304014542649875303443598909137092,
	601859.6171681098786670226533699352302507,
	3481712.15498064590882071018964774556468,
	14605578.08768506808414169982791359218571,
	43338889.32467613834773723740590533316085,
	86363131.28813859145546927288977868422342,
	103794043.1163445451906271053616070238554,
	56906521.91347156388090791033559122686859,
}

var lanczosSumExpgScaledDenom = [...]float64{
	1,
	66,
	1925,
	32670,
	357423,
	2637558,
	13339535,
	45995730,
	105258076,
	150917976,
	120543840,
	39916800,
	0,
}

const lanczosG = 6.024680040776729583740234375

func lanczosSumExpgScaled(x float64) float64 {
	return ratevl(x,
		lanczosSumExpgScaledNum[:],
		len(lanczosSumExpgScaledNum)-1,
		lanczosSumExpgScaledDenom[:],
		len(lanczosSumExpgScaledDenom)-1)
}
