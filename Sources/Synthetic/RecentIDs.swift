/// A ring of the most recent ids of one category with their entities: bounded memory for
/// corrections, revocations and credit repairs of earlier records.
struct RecentIDs: Sendable {
    static let capacity = 1024
    private var numbers: [Int] = []
    private var entities: [Int] = []
    private var next = 0

    var count: Int { numbers.count }
    var isEmpty: Bool { numbers.isEmpty }

    mutating func add(_ number: Int, _ entity: Int) {
        if numbers.count < Self.capacity {
            numbers.append(number)
            entities.append(entity)
        } else {
            numbers[next] = number
            entities[next] = entity
            next = (next + 1) % Self.capacity
        }
    }

    /// A random (id number, entity); the ring must not be empty.
    func pick(_ random: inout SeededGenerator) -> (number: Int, entity: Int) {
        let index = Int(random.next() % UInt64(numbers.count))
        return (numbers[index], entities[index])
    }
}
