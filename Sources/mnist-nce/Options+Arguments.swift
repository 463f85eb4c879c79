import ArgumentParser
import NCENetwork

extension LossKind: ExpressibleByArgument {}
extension SamplerKind: ExpressibleByArgument {}
extension OptimizerKind: ExpressibleByArgument {}
extension LearningRateSchedule: ExpressibleByArgument {}
extension HiddenKernel: ExpressibleByArgument {}
extension ModelKind: ExpressibleByArgument {}
