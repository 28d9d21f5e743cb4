"""Words `flask seed bulk` draws from: people, places, pets and reasons for a visit."""

FIRST_NAMES = (
    "Aaliyah", "Aaron", "Abigail", "Adam", "Aiden", "Alejandro", "Alexander", "Alice", "Amara",
    "Amelia", "Ana", "Andrew", "Angela", "Anthony", "Aria", "Ava", "Benjamin", "Brandon",
    "Brianna", "Caleb", "Camila", "Carlos", "Caroline", "Charlotte", "Chloe", "Christopher",
    "Claire", "Daniel", "David", "Diego", "Dylan", "Elena", "Elijah", "Elizabeth", "Emily",
    "Emma", "Ethan", "Evelyn", "Fatima", "Gabriel", "Grace", "Hannah", "Harper", "Henry",
    "Isaac", "Isabella", "Jack", "Jacob", "James", "Jasmine", "Jennifer", "Jessica", "John",
    "Jonathan", "José", "Joseph", "Joshua", "Julia", "Kevin", "Layla", "Leah", "Liam", "Lily",
    "Logan", "Lucas", "Lucía", "Madison", "Maria", "Mason", "Matthew", "Maya", "Mia",
    "Michael", "Mohammed", "Natalie", "Nathan", "Noah", "Nora", "Olivia", "Owen", "Priya",
    "Rachel", "Rebecca", "Ryan", "Samantha", "Samuel", "Sarah", "Sebastian", "Sofia",
    "Sophia", "Thomas", "Tyler", "Victoria", "William", "Wei", "Yusuf", "Zoë", "Zoe",
)

LAST_NAMES = (
    "Adams", "Allen", "Anderson", "Baker", "Bauer", "Becker", "Brown", "Campbell", "Carter",
    "Chen", "Clark", "Collins", "Cruz", "Davis", "Díaz", "Edwards", "Evans", "Fischer",
    "Flores", "García", "Gomez", "Gonzalez", "Green", "Hall", "Hansen", "Harris", "Hernández",
    "Hill", "Hoffmann", "Jackson", "Jensen", "Johnson", "Jones", "Kelly", "Kim", "King",
    "Klein", "Kowalski", "Larsen", "Lee", "Lewis", "Lopez", "Martin", "Martinez", "Miller",
    "Mitchell", "Moore", "Morales", "Murphy", "Nelson", "Nguyen", "Novak", "O'Brien",
    "Olson", "Ortiz", "Parker", "Patel", "Perez", "Peterson", "Phillips", "Ramirez", "Reyes",
    "Richardson", "Rivera", "Roberts", "Robinson", "Rodriguez", "Rossi", "Sanchez", "Schmidt",
    "Schneider", "Schroeder", "Scott", "Shah", "Singh", "Smith", "Sørensen", "Stewart",
    "Sullivan", "Taylor", "Thomas", "Thompson", "Torres", "Turner", "Walker", "Wagner",
    "Wang", "Weber", "White", "Williams", "Wilson", "Wright", "Young", "Zhang",
)

STREETS = (
    "Main St.", "Oak Ave.", "Maple St.", "Cedar Ln.", "Elm St.", "Park Ave.", "Lake St.",
    "Hill Rd.", "Washington Ave.", "Lincoln St.", "Jefferson St.", "Madison Ave.",
    "Prairie Rd.", "Cardinal Ave.", "Commerce St.", "Liberty St.", "Friendly St.",
    "Blackhawk Trail", "Independence Ln.", "Fair Way", "Willow Dr.", "Birch Ct.",
    "Sunset Blvd.", "River Rd.", "Spring St.", "Meadow Ln.", "Forest Dr.", "Pine St.",
    "University Ave.", "Monroe St.", "Regent St.", "Atwood Ave.", "Johnson St.",
)

# (city, telephone area code): the clinic's catchment around Madison, Wisconsin.
CITIES = (
    ("Madison", "608"), ("Madison", "608"), ("Madison", "608"), ("Middleton", "608"),
    ("Sun Prairie", "608"), ("Fitchburg", "608"), ("Verona", "608"), ("Monona", "608"),
    ("McFarland", "608"), ("Waunakee", "608"), ("Windsor", "608"), ("Stoughton", "608"),
    ("Oregon", "608"), ("DeForest", "608"), ("Cottage Grove", "608"), ("Mount Horeb", "608"),
    ("Janesville", "608"), ("Baraboo", "608"), ("Milwaukee", "414"), ("Waukesha", "262"),
    ("Watertown", "920"), ("Lake Mills", "920"), ("Fort Atkinson", "920"), ("Beloit", "608"),
)

PET_NAMES = (
    "Apollo", "Bailey", "Basil", "Bear", "Bella", "Biscuit", "Blue", "Buddy", "Buster",
    "Charlie", "Chester", "Chloe", "Cleo", "Coco", "Cooper", "Daisy", "Dexter", "Duke",
    "Ellie", "Felix", "Finn", "Freddy", "George", "Ginger", "Gizmo", "Gracie", "Gus",
    "Hazel", "Henry", "Iggy", "Jack", "Jasper", "Jewel", "Juniper", "Kiwi", "Leo", "Lola",
    "Louie", "Lucky", "Luna", "Maggie", "Mango", "Max", "Milo", "Mochi", "Molly", "Mulligan",
    "Nala", "Nemo", "Oliver", "Ollie", "Oscar", "Peanut", "Pepper", "Piper", "Pippin",
    "Poppy", "Rex", "Riley", "Rocky", "Rosie", "Rosy", "Ruby", "Sadie", "Sam", "Samantha",
    "Scout", "Shadow", "Simba", "Sly", "Smokey", "Sophie", "Sunny", "Tank", "Teddy", "Tiger",
    "Toby", "Tucker", "Winston", "Ziggy", "Zoe",
)

# How common each seeded pet type is, and how old (in years) one can plausibly be.
PET_TYPE_WEIGHTS = {"dog": 44, "cat": 38, "bird": 6, "hamster": 5, "lizard": 4, "snake": 3}
PET_LIFESPAN_YEARS = {"dog": 15, "cat": 18, "bird": 20, "hamster": 3, "lizard": 15, "snake": 20}
OTHER_PET_TYPE = (2, 12)  # weight and lifespan of a pet type added by the clinic

# (reason for the appointment, what the vet wrote when it was completed)
REASONS = (
    ("annual check-up", "Healthy; weight stable. Next check-up in a year."),
    ("vaccination", "Vaccines given; no reaction after 15 minutes."),
    ("rabies shot", "Rabies vaccine given; next due in three years."),
    ("dental check", "Mild tartar; cleaning recommended within six months."),
    ("dental cleaning", "Teeth scaled and polished under anaesthesia; recovered well."),
    ("limping", "Soft-tissue strain of the left foreleg; rest for two weeks."),
    ("skin irritation", "Allergic dermatitis; medicated shampoo prescribed."),
    ("ear infection", "Otitis externa; ear drops for ten days."),
    ("vomiting", "Mild gastritis; bland diet for three days."),
    ("neutering", "Neutered; recovered well, collar for ten days."),
    ("stitches out", "Wound healed; stitches removed."),
    ("x-ray", "Radiographs normal; no fracture."),
    ("weight check", "Lost 0.4 kg since last visit, as planned."),
    ("eye discharge", "Conjunctivitis; eye ointment twice daily."),
    ("nail trim", "Nails trimmed."),
    ("follow-up", "Improving; continue treatment, recheck if symptoms return."),
    ("blood test", "Bloods taken; results normal."),
    ("coughing", "Kennel cough; rest and monitor."),
)
